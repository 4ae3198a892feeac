namespace ActorConnect.Bench;

/// <summary>Plain argument parsing: positional arguments, and <c>--name value</c> / <c>--flag</c> options.</summary>
internal static class Args
{
    private static readonly HashSet<string> Flags = ["--legacy", "--modern", "--compact", "--flush-each"];

    public static (List<string> Positional, Dictionary<string, string> Options) Split(string[] args)
    {
        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (Flags.Contains(a))
                {
                    options[a] = "true";
                }
                else if (i + 1 < args.Length)
                {
                    options[a] = args[++i];
                }
                else
                {
                    throw new ArgumentException($"option {a} needs a value");
                }
            }
            else
            {
                positional.Add(a);
            }
        }

        return (positional, options);
    }
}
