using ActorConnect.Api.Data;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Api.Transforms;
using ActorConnect.Transforms;
using ActorConnect.Transforms.Predicates;

namespace ActorConnect.Transforms.Tests;

/// <summary>Records and configured transforms for the tests, kept short so each test reads as Kafka's example does.</summary>
internal static class Records
{
    public static readonly DateTimeOffset Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_483_425_001_864); // 2017-01-03T06:30:01.864Z

    public static SinkRecord Sink(Schema? keySchema, object? key, Schema? valueSchema, object? value, string topic = "test", DateTimeOffset? timestamp = null, ConnectHeaders? headers = null) =>
        new(topic, 0, keySchema, key, valueSchema, value, 42, timestamp ?? Timestamp, TimestampType.CreateTime, headers);

    public static SourceRecord Source(Schema? keySchema, object? key, Schema? valueSchema, object? value, string topic = "test", DateTimeOffset? timestamp = null, ConnectHeaders? headers = null) =>
        new(null, null, topic, 0, keySchema, key, valueSchema, value, timestamp ?? Timestamp, headers);

    /// <summary>A record whose value is <paramref name="value"/>.</summary>
    public static SinkRecord Value(Schema? schema, object? value) => Sink(null, null, schema, value);

    /// <summary>A record whose key is <paramref name="key"/>.</summary>
    public static SinkRecord Key(Schema? schema, object? key) => Sink(schema, key, null, null);

    public static Dictionary<string, object?> Map(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    public static T Configured<T>(params (string Key, string Value)[] config)
        where T : Transformation, new()
    {
        var transform = new T();
        transform.Configure(config.ToDictionary(c => c.Key, c => c.Value));
        return transform;
    }

    public static T ConfiguredPredicate<T>(params (string Key, string Value)[] config)
        where T : Predicate, new()
    {
        var predicate = new T();
        predicate.Configure(config.ToDictionary(c => c.Key, c => c.Value));
        return predicate;
    }

    /// <summary>The key's or the value's schema and value after the transform, for tests run on both variants.</summary>
    public static (Schema? Schema, object? Value) Side(ConnectRecord record, bool key) =>
        key ? (record.KeySchema, record.Key) : (record.ValueSchema, record.Value);

    /// <summary>A record carrying <paramref name="value"/> on the key or the value side.</summary>
    public static SinkRecord OnSide(bool key, Schema? schema, object? value) => key ? Key(schema, value) : Value(schema, value);
}
