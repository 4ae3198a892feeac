using ActorConnect.Api.Data;

namespace ActorConnect.Api.Storage;

/// <summary>
/// Turns Connect data into Kafka bytes and back (<c>key.converter</c>, <c>value.converter</c>). One instance serves
/// either keys or values, told by <see cref="Configure"/>. Instances are used by one task thread at a time.
/// </summary>
public interface IConverter
{
    /// <summary>Configures the converter with its own keys (the <c>value.converter.</c> prefix already removed).</summary>
    void Configure(IReadOnlyDictionary<string, string> configs, bool isKey);

    /// <summary>Serialises a value with its schema for <paramref name="topic"/>; null stays null (a tombstone).</summary>
    byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value);

    /// <summary>Deserialises bytes read from <paramref name="topic"/>; throws <see cref="Errors.DataException"/> naming the problem and the fix.</summary>
    SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value);
}
