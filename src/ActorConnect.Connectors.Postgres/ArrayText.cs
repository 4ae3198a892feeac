using System.Text;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>PostgreSQL's array literal ("{1,NULL,\"a,b\"}", "[0:1]={x,y}") split into its elements' text forms.</summary>
internal static class ArrayText
{
    /// <summary>
    /// The elements of a one-dimensional array, unquoted and unescaped; an unquoted NULL is null. Arrays of more
    /// dimensions have no Debezium schema: they fail naming the fix.
    /// </summary>
    public static List<string?> Parse(string s, char delimiter = ',')
    {
        var i = 0;
        if (s.StartsWith('['))
        {
            // Explicit bounds ("[0:2]={...}") only say where the indexes start: the elements are what counts.
            i = s.IndexOf('=', StringComparison.Ordinal) + 1;
        }

        if (i >= s.Length || s[i] != '{')
        {
            throw new DataException($"'{s}' is not an array literal.");
        }

        var elements = new List<string?>();
        i++;
        var item = new StringBuilder();
        while (i < s.Length && s[i] != '}')
        {
            item.Clear();
            if (s[i] == '{')
            {
                throw new DataException($"The array '{Shorten(s)}' has more than one dimension, which Debezium's ARRAY schema cannot carry; " +
                    "store it one-dimensional or capture it through a view or a generated text column.");
            }

            if (s[i] == '"')
            {
                for (i++; i < s.Length && s[i] != '"'; i++)
                {
                    item.Append(s[i] == '\\' && i + 1 < s.Length ? s[++i] : s[i]);
                }

                i++;
                elements.Add(item.ToString());
            }
            else
            {
                for (; i < s.Length && s[i] != delimiter && s[i] != '}'; i++)
                {
                    item.Append(s[i]);
                }

                var text = item.ToString().Trim();
                elements.Add(text.Equals("NULL", StringComparison.OrdinalIgnoreCase) ? null : text);
            }

            if (i < s.Length && s[i] == delimiter)
            {
                i++;
            }
        }

        return elements;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
