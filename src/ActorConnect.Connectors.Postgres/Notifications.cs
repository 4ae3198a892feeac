using System.Globalization;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium's notifications of snapshot progress (<c>notification.enabled.channels</c>), sent as Debezium's
/// <c>NotificationService</c> sends them: to the log channel a line each (at INFO), to the sink channel a record on
/// <c>notification.sink.topic.name</c>, key <c>io.debezium.connector.common.NotificationKey</c> {id}, value
/// <c>io.debezium.connector.common.Notification</c> {id, type, aggregate_type, additional_data, timestamp}, handed
/// over with the change records (so the converters and transforms apply, and no second producer is needed).
/// Every notification's additional_data holds <c>connector_name</c> (topic.prefix). Used on the stream's reader only.
/// </summary>
/// <remarks>
/// A notification record carries no source partition nor offset: it moves no stored offset (Debezium's carries the
/// offset of the change before it, or an empty one before any, which stored would lose the position), so the records
/// around it decide where a restart resumes.
/// </remarks>
internal sealed class Notifications(PostgresConnectorConfig config, ReaderWarnings? log)
{
    public const string SinkChannel = "sink";
    public const string LogChannel = "log";
    public const string IncrementalSnapshot = "Incremental Snapshot";
    public const string InitialSnapshot = "Initial Snapshot";

    public static readonly Schema KeySchema = SchemaBuilder.Struct().Name("io.debezium.connector.common.NotificationKey").Version(1)
        .Field("id", Schema.StringSchema).Build();

    public static readonly Schema ValueSchema = SchemaBuilder.Struct().Name("io.debezium.connector.common.Notification").Version(1)
        .Field("id", Schema.StringSchema)
        .Field("type", Schema.StringSchema)
        .Field("aggregate_type", Schema.StringSchema)
        .Field("additional_data", SchemaBuilder.Map(Schema.StringSchema, Schema.StringSchema).Optional().Build())
        .Field("timestamp", Schema.Int64Schema)
        .Build();

    private readonly bool _sink = config.NotificationChannels.Contains(SinkChannel);
    private readonly bool _log = config.NotificationChannels.Contains(LogChannel) && log is not null;
    private List<SourceRecord> _pending = new();

    /// <summary>True when some channel is enabled: callers may skip building what only a notification needs.</summary>
    public bool Enabled => _sink || _log;

    /// <summary>
    /// Sends a notification of <paramref name="aggregateType"/> and <paramref name="type"/> (id <paramref name="id"/>,
    /// or a new UUID) with <paramref name="data"/> and connector_name. The sink's record waits in <see cref="Take"/>.
    /// </summary>
    public void Notify(string aggregateType, string type, string? id, params (string Key, string Value)[] data)
    {
        if (!Enabled)
        {
            return;
        }

        id ??= Guid.NewGuid().ToString();
        var additional = new Dictionary<string, string?>();
        foreach (var (key, value) in data)
        {
            additional[key] = value;
        }

        additional["connector_name"] = config.Prefix;
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_log)
        {
            // Debezium's line: "[Notification Service]  " and its Notification.toString().
            log!.Info(string.Create(CultureInfo.InvariantCulture,
                $"[Notification Service] {{id='{id}', aggregateType='{aggregateType}', type='{type}', additionalData={{{string.Join(", ", additional.Select(kv => $"{kv.Key}={kv.Value}"))}}}, timestamp={timestamp}}}"));
        }

        if (_sink)
        {
            var value = new Struct(ValueSchema).Put("id", id).Put("type", type).Put("aggregate_type", aggregateType).Put("additional_data", additional).Put("timestamp", timestamp);
            _pending.Add(new SourceRecord(null, null, config.NotificationTopic!, null, KeySchema, new Struct(KeySchema).Put("id", id), ValueSchema, value));
        }
    }

    /// <summary>The sink's records since the last call (none: empty), to hand over after what came before them; the caller owns the list.</summary>
    public IReadOnlyList<SourceRecord> Take()
    {
        if (_pending.Count == 0)
        {
            return [];
        }

        var taken = _pending;
        _pending = new List<SourceRecord>();
        return taken;
    }
}
