using System.Globalization;
using System.Text;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// A <c>java.text.SimpleDateFormat</c> pattern (what <c>format</c> and <c>timestamp.format</c> hold) run in UTC, as
/// Kafka's transforms set it. The pattern is translated once to a .NET custom format. Letters with no .NET
/// counterpart (day in year <c>D</c>, week <c>w</c>/<c>W</c>, <c>F</c>, <c>u</c>, hours <c>k</c>/<c>K</c>) are
/// refused at configuration rather than approximated; the week year <c>Y</c> is read as the year <c>y</c> (they differ
/// only around New Year); zones print as UTC does in Java (<c>z</c> UTC, <c>Z</c> +0000, <c>X</c> Z).
/// </summary>
internal sealed class JavaDateFormat
{
    private readonly string _net;

    private JavaDateFormat(string pattern, string net)
    {
        Pattern = pattern;
        _net = net;
    }

    /// <summary>The Java pattern, as configured.</summary>
    public string Pattern { get; }

    /// <summary>Translates a pattern; throws <see cref="ArgumentException"/> naming a letter Java or .NET cannot take.</summary>
    public static JavaDateFormat Create(string pattern)
    {
        var net = new StringBuilder();
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                i = AppendQuoted(pattern, i, net);
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                Literal(net, c.ToString());
                i++;
                continue;
            }

            var run = 1;
            while (i + run < pattern.Length && pattern[i + run] == c)
            {
                run++;
            }

            net.Append(Translate(c, run));
            i += run;
        }

        return new JavaDateFormat(pattern, net.ToString());
    }

    /// <summary>Formats a UTC instant.</summary>
    public string Format(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString(_net, CultureInfo.InvariantCulture);

    /// <summary>Parses text in the pattern as a UTC instant; throws <see cref="FormatException"/>.</summary>
    public DateTime Parse(string text) =>
        DateTime.ParseExact(text, _net, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string Translate(char letter, int run) => letter switch
    {
        'y' or 'Y' => run == 2 ? "yy" : new string('y', Math.Max(run, 4)),
        'M' or 'L' => new string('M', Math.Min(run, 4)),
        'd' => run >= 2 ? "dd" : "d",
        'H' => run >= 2 ? "HH" : "H",
        'h' => run >= 2 ? "hh" : "h",
        'm' => run >= 2 ? "mm" : "m",
        's' => run >= 2 ? "ss" : "s",
        'S' => "fff",
        'E' => run >= 4 ? "dddd" : "ddd",
        'a' => "tt",
        'G' => Escaped("AD"),
        'z' => Escaped("UTC"),
        'Z' => Escaped("+0000"),
        'X' => Escaped("Z"),
        _ => throw new ArgumentException($"Illegal or unsupported pattern character '{letter}'"),
    };

    private static int AppendQuoted(string pattern, int quote, StringBuilder net)
    {
        if (quote + 1 < pattern.Length && pattern[quote + 1] == '\'')
        {
            Literal(net, "'");
            return quote + 2;
        }

        var text = new StringBuilder();
        var i = quote + 1;
        while (i < pattern.Length)
        {
            if (pattern[i] == '\'')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                {
                    text.Append('\'');
                    i += 2;
                    continue;
                }

                Literal(net, text.ToString());
                return i + 1;
            }

            text.Append(pattern[i++]);
        }

        throw new ArgumentException("Unterminated quote");
    }

    private static void Literal(StringBuilder net, string text) => net.Append(Escaped(text));

    // Every literal character is backslash-escaped: .NET gives meaning to characters Java treats as text (':', '/', '%').
    private static string Escaped(string text) => string.Concat(text.Select(ch => "\\" + ch));
}
