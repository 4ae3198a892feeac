using System.Text;
using System.Text.RegularExpressions;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// Kafka's configs carry Java regular expressions. .NET's dialect agrees on everything topic names need; what differs
/// is matching the whole input (Java's <c>matches()</c>) and the replacement syntax, which this class bridges.
/// </summary>
internal static class JavaRegex
{
    /// <summary>A regex that matches only the whole input, as Java's <c>Matcher.matches()</c>.</summary>
    public static Regex WholeMatch(string pattern) =>
        new(@"\A(?:" + Translate(pattern) + @")\z", RegexOptions.CultureInvariant);

    /// <summary>Why the pattern does not compile, or null when it does.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(Translate(pattern), RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>Java's quoting <c>\Q...\E</c>, which .NET lacks, as escaped text; the rest is the same in both.</summary>
    public static string Translate(string pattern)
    {
        var net = new StringBuilder(pattern.Length);
        var i = 0;
        while (i < pattern.Length)
        {
            var start = pattern.IndexOf(@"\Q", i, StringComparison.Ordinal);
            if (start < 0 || IsEscaped(pattern, start))
            {
                net.Append(pattern, i, (start < 0 ? pattern.Length : start + 2) - i);
                i = start < 0 ? pattern.Length : start + 2;
                continue;
            }

            net.Append(pattern, i, start - i);
            var end = pattern.IndexOf(@"\E", start + 2, StringComparison.Ordinal);
            var quoted = end < 0 ? pattern[(start + 2)..] : pattern[(start + 2)..end];
            net.Append(Regex.Escape(quoted));
            i = end < 0 ? pattern.Length : end + 2;
        }

        return net.ToString();
    }

    // A backslash before \Q escapes it when the run of backslashes in front is odd.
    private static bool IsEscaped(string pattern, int at)
    {
        var count = 0;
        for (var j = at - 1; j >= 0 && pattern[j] == '\\'; j--)
        {
            count++;
        }

        return count % 2 == 1;
    }

    /// <summary>
    /// Rewrites a Java replacement string for .NET: <c>$1</c> and <c>${name}</c> mean the same in both; a
    /// backslash-escaped character is a literal in Java, and a literal <c>$</c> is <c>$$</c> in .NET.
    /// </summary>
    public static string Replacement(string javaReplacement)
    {
        var net = new StringBuilder(javaReplacement.Length);
        for (var i = 0; i < javaReplacement.Length; i++)
        {
            var c = javaReplacement[i];
            if (c == '\\' && i + 1 < javaReplacement.Length)
            {
                var escaped = javaReplacement[++i];
                net.Append(escaped == '$' ? "$$" : escaped.ToString());
            }
            else
            {
                net.Append(c);
            }
        }

        return net.ToString();
    }
}
