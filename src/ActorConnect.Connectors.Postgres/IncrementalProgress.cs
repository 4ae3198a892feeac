using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Where an incremental snapshot is, as Debezium keeps it in every offset while one runs: the tables still to read,
/// the first of them being read (<c>incremental_snapshot_collections</c>, Debezium's JSON list of
/// <c>{"incremental_snapshot_collections_id": "schema.table", ...}</c>), the key of the last row handed over
/// (<c>incremental_snapshot_primary_key</c>) and the largest key the table had when its reading began
/// (<c>incremental_snapshot_maximum_key</c>).
/// </summary>
/// <remarks>
/// Both keys are written as Debezium writes them, hex of a Java-serialized <c>Object[]</c> (<see cref="JavaSerializedKey"/>),
/// when every key column's type has a Java form there (integers, text, uuid, boolean; <see cref="KeyTypes"/> known);
/// else as a JSON array of the key columns' text forms (<c>["42.5"]</c>), which Debezium cannot read. Both forms are
/// read; a key this connector cannot read restarts that table's reading from its first row: rows come again, none is lost.
/// </remarks>
internal sealed record IncrementalProgress(IReadOnlyList<string> Collections, IReadOnlyList<string?>? LastKey, IReadOnlyList<string?>? MaximumKey,
    IReadOnlyList<string>? KeyTypes = null)
{
    public const string CollectionsKey = CdcOffset.IncrementalPrefix + "_collections";
    public const string PrimaryKeyKey = CdcOffset.IncrementalPrefix + "_primary_key";
    public const string MaximumKeyKey = CdcOffset.IncrementalPrefix + "_maximum_key";
    public const string CorrelationIdKey = CdcOffset.IncrementalPrefix + "_correlation_id";
    private const string IdKey = CollectionsKey + "_id";

    /// <summary>The table being read, "schema.table".</summary>
    public string Current => Collections[0];

    /// <summary>The progress as offset entries.</summary>
    public IReadOnlyDictionary<string, object?> ToOffset() => new Dictionary<string, object?>
    {
        [CollectionsKey] = new JsonArray(Collections.Select(c => (JsonNode)new JsonObject
        {
            [IdKey] = c,
            [CollectionsKey + "_additional_condition"] = null,
            [CollectionsKey + "_surrogate_key"] = null,
            [CollectionsKey + "_correlation_id"] = null,
        }).ToArray()).ToJsonString(),
        [PrimaryKeyKey] = Written(LastKey),
        [MaximumKeyKey] = Written(MaximumKey),
        [CorrelationIdKey] = null,
    };

    /// <summary>The progress an offset carries; null when it carries none (no incremental snapshot was running).</summary>
    public static IncrementalProgress? FromOffset(IReadOnlyDictionary<string, object?>? entries)
    {
        if (entries?.GetValueOrDefault(CollectionsKey) is not { } collections)
        {
            return null;
        }

        var names = JsonNode.Parse(Text(collections))?.AsArray().Select(c => (string?)c?[IdKey]).OfType<string>().ToList() ?? [];
        return names.Count == 0 ? null : new IncrementalProgress(names, Key(entries.GetValueOrDefault(PrimaryKeyKey)), Key(entries.GetValueOrDefault(MaximumKeyKey)));
    }

    private string? Written(IReadOnlyList<string?>? key) =>
        key is null ? null : (KeyTypes is null ? null : JavaSerializedKey.Write(key, KeyTypes)) ?? JsonSerializer.Serialize(key);

    private static IReadOnlyList<string?>? Key(object? stored)
    {
        try
        {
            return stored is null ? null
                : JavaSerializedKey.Looks(Text(stored)) ? JavaSerializedKey.Read(Text(stored))
                : JsonSerializer.Deserialize<List<string?>>(Text(stored));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Text(object stored) => stored is JsonElement element ? element.GetString() ?? "" : stored.ToString() ?? "";
}
