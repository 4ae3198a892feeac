namespace ActorConnect.Runtime.Plugins;

/// <summary>
/// Finds the plugin a user probably meant when a name does not resolve: the nearest alias by edit distance, compared
/// without case and on the simple class name (the part after the last '.' or '$'), which is where typos happen.
/// </summary>
internal static class PluginSuggestions
{
    /// <summary>The nearest plugin, or null when nothing is close enough to be a plausible typo.</summary>
    public static PluginDesc? Nearest(string name, IEnumerable<PluginDesc> candidates)
    {
        var wanted = SimpleName(name.Trim());
        PluginDesc? best = null;
        var bestDistance = int.MaxValue;
        foreach (var plugin in candidates)
        {
            foreach (var alias in plugin.Aliases)
            {
                var distance = Distance(wanted, SimpleName(alias));
                if (distance < bestDistance)
                {
                    (best, bestDistance) = (plugin, distance);
                }
            }
        }

        // A third of the name: "FileStreamSorce" is a typo of FileStreamSource, "Jdbc" is not a typo of "File".
        return best is not null && bestDistance <= Math.Max(2, wanted.Length / 3) ? best : null;
    }

    /// <summary>The alias of <paramref name="plugin"/> closest to <paramref name="name"/>, to echo the form the user wrote.</summary>
    public static string NearestAlias(string name, PluginDesc plugin)
    {
        var wanted = SimpleName(name.Trim());
        return plugin.Aliases.Where(a => !a.Contains('.', StringComparison.Ordinal)).DefaultIfEmpty(plugin.ClassName)
            .MinBy(a => Distance(wanted, SimpleName(a)))!;
    }

    internal static string SimpleName(string name)
    {
        var cut = name.LastIndexOfAny(['.', '$']);
        return (cut >= 0 ? name[(cut + 1)..] : name).ToLowerInvariant();
    }

    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
