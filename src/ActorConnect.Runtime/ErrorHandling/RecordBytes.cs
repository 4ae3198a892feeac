using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Converters;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// Turns a record that has no bytes of its own into bytes for the dead-letter queue: a source record that failed on
/// its way to Kafka (the one the task polled, before any transform, so the copy shows what the source gave), or a sink
/// record a task reports that is no longer in the batch it came with. The connector's own converters are used when
/// they can; when they are what failed, schemaless JSON; the value's text as a last resort.
/// </summary>
internal sealed class RecordBytes(IConverter keyConverter, IConverter valueConverter)
{
    private readonly JsonConverter _fallback = CreateFallback();

    private readonly object _lock = new();

    public RawRecord Serialize(SourceRecord record) => Serialize(record, record.Topic, record.KafkaPartition ?? -1, -1);

    /// <summary>The record as bytes, named by the coordinates given. Thread-safe: the converters are this instance's own.</summary>
    public RawRecord Serialize(ConnectRecord record, string topic, int partition, long offset)
    {
        lock (_lock)
        {
            return new RawRecord(topic, partition, offset,
                Bytes(keyConverter, record, record.KeySchema, record.Key),
                Bytes(valueConverter, record, record.ValueSchema, record.Value),
                SafeHeaders(record.Headers),
                record.Timestamp);
        }
    }

    private byte[]? Bytes(IConverter converter, ConnectRecord record, Schema? schema, object? data)
    {
        try
        {
            return converter.FromConnectData(record.Topic, record.Headers, schema, data);
        }
        catch (Exception)
        {
            try
            {
                return _fallback.FromConnectData(record.Topic, record.Headers, null, data);
            }
            catch (Exception)
            {
                return data is null ? null : Encoding.UTF8.GetBytes(data.ToString() ?? string.Empty);
            }
        }
    }

    private static IReadOnlyList<KeyValuePair<string, byte[]?>>? SafeHeaders(ConnectHeaders headers)
    {
        try
        {
            return HeaderBytes.ToKafka(headers);
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static JsonConverter CreateFallback()
    {
        var converter = new JsonConverter();
        converter.Configure(new Dictionary<string, string> { ["schemas.enable"] = "false" }, isKey: false);
        return converter;
    }
}
