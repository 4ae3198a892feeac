using System.Text.RegularExpressions;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium's <c>message.key.columns</c>: <c>&lt;table regex&gt;:&lt;column&gt;[,&lt;column&gt;...]</c> entries separated by
/// <c>;</c>, the regex matching the schema-qualified table name (<c>schema.table</c>). A table one of them names columns
/// of gets those columns as its key, in the order of the entries and then of the table's columns, instead of its
/// primary key; a table without a primary key gets a key that way. As in Debezium, each entry is one regex
/// <c>&lt;table regex&gt;.&lt;column&gt;</c> matched against <c>schema.table.column</c>.
/// </summary>
internal sealed class KeyColumns
{
    // Debezium's own pattern of one entry: a table part without ':', then columns without ':' or ','.
    private static readonly Regex Entry = new(@"^\s*([^:]+):([^:,]+(,[^:,]+)*)\s*$", RegexOptions.CultureInvariant);

    private readonly IReadOnlyList<Regex> _columns;

    private KeyColumns(IReadOnlyList<Regex> columns) => _columns = columns;

    /// <summary>No entries: every table is keyed by its primary key.</summary>
    public static readonly KeyColumns None = new([]);

    /// <summary>Parses the key's value (null or empty: <see cref="None"/>); assumes <see cref="Validate"/> accepted it.</summary>
    public static KeyColumns Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return None;
        }

        var regexes = new List<Regex>();
        foreach (var entry in Entries(value))
        {
            var match = Entry.Match(entry);
            foreach (var column in match.Groups[2].Value.Split(','))
            {
                regexes.Add(new Regex("^(?:" + match.Groups[1].Value.Trim() + @"\." + column.Trim() + ")$", RegexOptions.CultureInvariant));
            }
        }

        return new KeyColumns(regexes);
    }

    /// <summary>The problem with a value of <c>message.key.columns</c>, or null when it is well formed.</summary>
    public static string? Validate(object? value)
    {
        if (value is not string text || string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var entry in Entries(text))
        {
            var match = Entry.Match(entry);
            if (!match.Success)
            {
                return $"'{entry.Trim()}' is not <table regex>:<column>[,<column>...] (entries are separated by ';', e.g. public.orders:customer_id,order_no;.*\\.items:sku)";
            }

            try
            {
                _ = new Regex(match.Groups[1].Value.Trim());
            }
            catch (ArgumentException e)
            {
                return $"'{match.Groups[1].Value.Trim()}' is not a regular expression ({e.Message})";
            }
        }

        return null;
    }

    /// <summary>
    /// The key columns for a table: those the entries name, each once, in entry order then column order; null when no
    /// entry names a column of it (the primary key then).
    /// </summary>
    public IReadOnlyList<string>? For(string schema, string table, IEnumerable<string> columns)
    {
        if (_columns.Count == 0)
        {
            return null;
        }

        var qualified = columns.Select(c => (Column: c, Name: $"{schema}.{table}.{c}")).ToList();
        var key = new List<string>();
        foreach (var regex in _columns)
        {
            key.AddRange(qualified.Where(c => regex.IsMatch(c.Name) && !key.Contains(c.Column)).Select(c => c.Column));
        }

        return key.Count > 0 ? key : null;
    }

    private static IEnumerable<string> Entries(string value) => value.Split(';').Where(e => e.Trim().Length > 0);
}
