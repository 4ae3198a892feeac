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
        new(@"\A(?:" + pattern + @")\z", RegexOptions.CultureInvariant);

    /// <summary>Why the pattern does not compile, or null when it does.</summary>
    public static string? Problem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
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
