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
internal sealed record IncrementalProgress(IReadOnlyList<IncrementalProgress.Collection> Collections, IReadOnlyList<string?>? LastKey, IReadOnlyList<string?>? MaximumKey,
    IReadOnlyList<string>? KeyTypes = null)
{
    /// <summary>
    /// A table to read, "schema.table", with what its signal asked (Debezium keeps these per table in the offset): the
    /// condition its queries add, the column it is chunked by instead of the key, and the signal's id.
    /// </summary>
    public sealed record Collection(string Id, string? Condition = null, string? SurrogateKey = null, string? CorrelationId = null);

    public const string CollectionsKey = CdcOffset.IncrementalPrefix + "_collections";
    public const string PrimaryKeyKey = CdcOffset.IncrementalPrefix + "_primary_key";
    public const string MaximumKeyKey = CdcOffset.IncrementalPrefix + "_maximum_key";
    public const string CorrelationIdKey = CdcOffset.IncrementalPrefix + "_correlation_id";
    private const string IdKey = CollectionsKey + "_id";
    private const string ConditionKey = CollectionsKey + "_additional_condition";
    private const string SurrogateKeyKey = CollectionsKey + "_surrogate_key";
    private const string CollectionCorrelationKey = CollectionsKey + "_correlation_id";

    /// <summary>The table being read, "schema.table".</summary>
    public string Current => Collections[0].Id;

    /// <summary>The tables to read, "schema.table".</summary>
    public IEnumerable<string> Names => Collections.Select(c => c.Id);

    /// <summary>The progress as offset entries.</summary>
    public IReadOnlyDictionary<string, object?> ToOffset() => new Dictionary<string, object?>
    {
        [CollectionsKey] = new JsonArray(Collections.Select(c => (JsonNode)new JsonObject
        {
            [IdKey] = c.Id,
            [ConditionKey] = c.Condition,
            [SurrogateKeyKey] = c.SurrogateKey,
            [CollectionCorrelationKey] = c.CorrelationId,
        }).ToArray()).ToJsonString(),
        [PrimaryKeyKey] = Written(LastKey),
        [MaximumKeyKey] = Written(MaximumKey),
        [CorrelationIdKey] = Collections[0].CorrelationId,
    };

    /// <summary>The progress an offset carries; null when it carries none (no incremental snapshot was running).</summary>
    public static IncrementalProgress? FromOffset(IReadOnlyDictionary<string, object?>? entries)
    {
        if (entries?.GetValueOrDefault(CollectionsKey) is not { } collections)
        {
            return null;
        }

        var read = JsonNode.Parse(Text(collections))?.AsArray()
            .Where(c => (string?)c?[IdKey] is not null)
            .Select(c => new Collection((string)c![IdKey]!, Blank((string?)c[ConditionKey]), Blank((string?)c[SurrogateKeyKey]), (string?)c[CollectionCorrelationKey]))
            .ToList() ?? [];
        return read.Count == 0 ? null : new IncrementalProgress(read, Key(entries.GetValueOrDefault(PrimaryKeyKey)), Key(entries.GetValueOrDefault(MaximumKeyKey)));
    }

    // Debezium writes an empty condition or surrogate key as null, and reads both as none.
    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

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
