using System.Text;

namespace ActorConnect.TestKit;

/// <summary>A record as it landed in Kafka (what a source connector produced), read back by <see cref="ConnectorHarness"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">Its offset in the partition.</param>
/// <param name="KeyBytes">The key as stored (after the key converter), or null.</param>
/// <param name="ValueBytes">The value as stored (after the value converter), or null.</param>
/// <param name="Headers">The record headers, in order.</param>
/// <param name="Timestamp">The record's timestamp, when it has one.</param>
public sealed record ProducedRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? KeyBytes,
    byte[]? ValueBytes,
    IReadOnlyList<KeyValuePair<string, byte[]?>> Headers,
    DateTimeOffset? Timestamp)
{
    /// <summary>The key as UTF-8 text (what the string and JSON converters write), or null.</summary>
    public string? Key => KeyBytes is null ? null : Encoding.UTF8.GetString(KeyBytes);

    /// <summary>The value as UTF-8 text (what the string and JSON converters write), or null.</summary>
    public string? Value => ValueBytes is null ? null : Encoding.UTF8.GetString(ValueBytes);

    /// <summary>The last header named <paramref name="key"/> as UTF-8 text, or null when there is none.</summary>
    public string? Header(string key) =>
        Headers.LastOrDefault(h => h.Key == key) is { Key: not null, Value: { } bytes } ? Encoding.UTF8.GetString(bytes) : null;

    /// <inheritdoc />
    public override string ToString() => $"{Topic}-{Partition}@{Offset} key={Key ?? "null"} value={Value ?? "null"}";
}
