using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// The data of an <c>execute-snapshot</c> or <c>stop-snapshot</c> signal, read as Debezium's <c>ExecuteSnapshot</c>
/// reads it: <c>type</c> (incremental, the default, or blocking, either case), <c>data-collections</c> (regular
/// expressions on schema.table), <c>additional-conditions</c> (<c>[{"data-collection": regex, "filter": text}]</c>:
/// for an incremental snapshot a condition its queries add, for a blocking one a whole SELECT), Debezium 1.x's
/// <c>additional-condition</c> (one condition for the tables the signal names) and <c>surrogate-key</c> (the column an
/// incremental snapshot chunks by instead of the primary key).
/// </summary>
internal sealed record SnapshotSignal(bool Blocking, IReadOnlyList<string> Collections, IReadOnlyList<SnapshotSignal.Condition> Conditions, string? SurrogateKey)
{
    /// <summary>A filter for the tables whose schema.table <see cref="DataCollection"/> (a case-insensitive regex) matches whole.</summary>
    public sealed record Condition(string DataCollection, string Filter);

    /// <summary>The signal's data; null, with the problem, for data this connector cannot read.</summary>
    public static SnapshotSignal? Parse(string? data, out string? problem)
    {
        problem = null;
        try
        {
            var json = string.IsNullOrWhiteSpace(data) ? null : JsonNode.Parse(data);
            var type = (string?)json?["type"] ?? "incremental";
            var blocking = type.Equals("blocking", StringComparison.OrdinalIgnoreCase);
            if (!blocking && !type.Equals("incremental", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"snapshots of type '{Shorten(type)}' are unknown; Debezium's are incremental and blocking";
                return null;
            }

            var collections = json?["data-collections"]?.AsArray().Select(n => ((string?)n)?.Trim()).OfType<string>().ToList() ?? [];
            var conditions = new List<Condition>();
            foreach (var entry in json?["additional-conditions"]?.AsArray() ?? [])
            {
                if ((string?)entry?["data-collection"] is not { Length: > 0 } table || (string?)entry["filter"] is not { Length: > 0 } filter)
                {
                    problem = "each of its additional-conditions needs a data-collection and a filter, {\"data-collection\": \"schema.table\", \"filter\": \"id > 100\"}";
                    return null;
                }

                _ = Matcher(table);
                conditions.Add(new Condition(table, filter));
            }

            // Debezium 1.x: one condition for every table the signal names.
            if ((string?)json?["additional-condition"] is { Length: > 0 } single)
            {
                conditions.AddRange(collections.Select(c => new Condition(c, single)));
            }

            var surrogate = (string?)json?["surrogate-key"];
            return new SnapshotSignal(blocking, collections, conditions, string.IsNullOrWhiteSpace(surrogate) ? null : surrogate.Trim());
        }
        catch (ArgumentException e)
        {
            problem = $"a data-collection of its additional-conditions is not a regular expression ({e.Message})";
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            problem = "its data is not Debezium's JSON, {\"data-collections\": [\"schema.table\"], \"type\": \"incremental\"} " +
                "(optionally with \"additional-conditions\": [{\"data-collection\": \"schema.table\", \"filter\": \"...\"}] and \"surrogate-key\": \"column\")";
            return null;
        }
    }

    /// <summary>The filter for <paramref name="table"/> (schema.table): the first condition whose data-collection matches it, as Debezium picks it.</summary>
    public string? FilterFor(string table) => Conditions.FirstOrDefault(c => Matcher(c.DataCollection).IsMatch(table))?.Filter;

    /// <summary>Text from a signal, cut for a warning.</summary>
    public static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static Regex Matcher(string pattern) =>
        new("^(?:" + pattern + ")$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
