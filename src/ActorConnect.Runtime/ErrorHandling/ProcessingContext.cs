using ActorConnect.Api.Source;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>A record as bytes: the one a sink consumed, or the one a source produced.</summary>
/// <param name="Topic">Its topic.</param>
/// <param name="Partition">Its partition, -1 when none was chosen yet.</param>
/// <param name="Offset">Its offset, -1 when it has none.</param>
/// <param name="Key">Key bytes.</param>
/// <param name="Value">Value bytes.</param>
/// <param name="Headers">Header bytes, in order.</param>
/// <param name="Timestamp">Its timestamp, when known.</param>
public sealed record RawRecord(
    string Topic,
    int Partition,
    long Offset,
    byte[]? Key,
    byte[]? Value,
    IReadOnlyList<KeyValuePair<string, byte[]?>>? Headers,
    DateTimeOffset? Timestamp)
{
    public static RawRecord From(Kafka.ConsumedRecord r) => new(r.Topic, r.Partition, r.Offset, r.Key, r.Value, r.Headers, r.Timestamp);
}

/// <summary>
/// One failed operation, as the error reporters see it: where it failed, with which class, why, and on which record.
/// A sink's record is the one consumed (<see cref="Raw"/>); a source's is the record the task polled, before any
/// transform (<see cref="Source"/>), plus its bytes when it had been converted already.
/// </summary>
public sealed record ProcessingContext(ErrorStage Stage, Type ExecutingClass, Exception Error, int Attempts)
{
    public RawRecord? Raw { get; init; }

    public SourceRecord? Source { get; init; }

    /// <summary>Where the record came from, for messages: topic/partition/offset, or the source partition and offset.</summary>
    public string DescribeRecord()
    {
        if (Raw is { Offset: >= 0 } raw)
        {
            return $"the record at topic '{raw.Topic}' partition {raw.Partition} offset {raw.Offset}";
        }

        if (Source is { } source)
        {
            return $"the record for topic '{source.Topic}' from source partition {Json(source.SourcePartition)} offset {Json(source.SourceOffset)}";
        }

        return Raw is { } r ? $"a record for topic '{r.Topic}'" : "a record";
    }

    internal static string Json(IReadOnlyDictionary<string, object?>? map)
    {
        try
        {
            return Storage.OffsetJson.ToNode(map)?.ToJsonString() ?? "null";
        }
        catch (ArgumentException)
        {
            // Offsets that cannot be stored are still worth naming in a message.
            return "{" + string.Join(", ", map!.Select(kv => $"{kv.Key}={kv.Value}")) + "}";
        }
    }
}
