using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;

namespace ActorConnect.Converters;

/// <summary>
/// Kafka Connect's <c>org.apache.kafka.connect.converters.ByteArrayConverter</c>: passes bytes through unchanged, read
/// back with <see cref="Schema.OptionalBytesSchema"/>. Use it when a record's key or value already is the bytes to store.
/// </summary>
public sealed class ByteArrayConverter : IConverter
{
    private static readonly SchemaAndValue NullValue = new(Schema.OptionalBytesSchema, null);

    /// <summary>Whether this instance converts keys.</summary>
    public bool IsKey { get; private set; }

    /// <inheritdoc />
    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey) => IsKey = isKey;

    /// <inheritdoc />
    public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value)
    {
        if (schema is not null && schema.Type != SchemaType.Bytes)
        {
            throw new DataException($"Invalid schema type for ByteArrayConverter: {schema.Type.ToString().ToUpperInvariant()}. " +
                "ByteArrayConverter only passes BYTES through; use StringConverter or JsonConverter for other schemas.");
        }

        return value switch
        {
            null => null,
            byte[] bytes => bytes,
            ArraySegment<byte> segment => segment.Offset == 0 && segment.Array is { } a && a.Length == segment.Count ? a : segment.ToArray(),
            ReadOnlyMemory<byte> memory => memory.ToArray(),
            Memory<byte> memory => memory.ToArray(),
            _ => throw new DataException($"ByteArrayConverter is not compatible with objects of type {value.GetType()} (topic \"{topic}\"): " +
                "it passes byte[] through unchanged; use StringConverter or JsonConverter for other values."),
        };
    }

    /// <inheritdoc />
    public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value) =>
        value is null ? NullValue : new SchemaAndValue(Schema.OptionalBytesSchema, value);
}
