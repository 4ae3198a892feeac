using System.Text;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// Reads Java .properties files as java.util.Properties does (comments with # or !, key=value, key:value or
/// key value, line continuations with a trailing backslash, \t \n \uXXXX escapes), so Kafka Connect's worker and
/// connector files are read unchanged.
/// </summary>
public static class JavaProperties
{
    public static IReadOnlyDictionary<string, string> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Properties file {Path.GetFullPath(path)} does not exist. Check the path given on the command line.", path);
        }

        return Parse(File.ReadAllText(path));
    }

    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var logical in LogicalLines(text))
        {
            var (key, value) = Split(logical);
            result[Unescape(key)] = Unescape(value);
        }

        return result;
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n');
        var current = new StringBuilder();
        var continuing = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimStart(' ', '\t', '\f');
            if (!continuing && (line.Length == 0 || line[0] == '#' || line[0] == '!'))
            {
                continue;
            }

            var trailing = 0;
            for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
            {
                trailing++;
            }

            if (trailing % 2 == 1)
            {
                current.Append(line, 0, line.Length - 1);
                continuing = true;
                continue;
            }

            current.Append(line);
            continuing = false;
            yield return current.ToString();
            current.Clear();
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static (string Key, string Value) Split(string line)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }

            i++;
        }

        var key = line[..Math.Min(i, line.Length)];
        var j = i;
        while (j < line.Length && line[j] is ' ' or '\t' or '\f')
        {
            j++;
        }

        if (j < line.Length && line[j] is '=' or ':')
        {
            j++;
        }

        while (j < line.Length && line[j] is ' ' or '\t' or '\f')
        {
            j++;
        }

        return (key, j < line.Length ? line[j..] : string.Empty);
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i == s.Length - 1)
            {
                sb.Append(c);
                continue;
            }

            var n = s[++i];
            switch (n)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    if (i + 4 >= s.Length || !int.TryParse(s.AsSpan(i + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out var code))
                    {
                        throw new Api.Errors.ConfigException($"Malformed \\uxxxx encoding in \"{s}\": a \\u escape needs four hex digits, as in Java .properties files.");
                    }

                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(n); break;
            }
        }

        return sb.ToString();
    }
}
