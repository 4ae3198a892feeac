using System.Buffers.Binary;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;

namespace ActorConnect.Converters;

/// <summary>
/// Base of Kafka Connect's number converters (<c>org.apache.kafka.connect.converters.*Converter</c>): a fixed-size
/// big-endian encoding, as Kafka's Integer/Long/Short/Float/Double serializers write it, read back with an optional schema.
/// </summary>
/// <typeparam name="T">The .NET type of the number.</typeparam>
public abstract class NumberConverter<T> : IConverter
    where T : struct
{
    private readonly string _typeName;
    private readonly string _deserializerName;
    private readonly int _size;
    private readonly SchemaAndValue _null;

    /// <summary>Creates a number converter.</summary>
    /// <param name="typeName">The name used in messages, as Kafka's ("integer", "long", ...).</param>
    /// <param name="deserializerName">Kafka's deserializer name, used in size errors.</param>
    /// <param name="schema">The optional schema of values read.</param>
    /// <param name="size">The encoded size in bytes.</param>
    private protected NumberConverter(string typeName, string deserializerName, Schema schema, int size)
    {
        _typeName = typeName;
        _deserializerName = deserializerName;
        _size = size;
        Schema = schema;
        _null = new SchemaAndValue(schema, null);
    }

    /// <summary>The schema of values read.</summary>
    public Schema Schema { get; }

    /// <summary>Whether this instance converts keys.</summary>
    public bool IsKey { get; private set; }

    /// <inheritdoc />
    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey) => IsKey = isKey;

    /// <inheritdoc />
    public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!TryCast(value, out var number))
        {
            throw new DataException($"Failed to serialize to {_typeName} (was {value.GetType()}): expected {typeof(T)} or a smaller number type that converts without loss.");
        }

        var bytes = new byte[_size];
        Write(bytes, number);
        return bytes;
    }

    /// <inheritdoc />
    public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value)
    {
        if (value is null)
        {
            return _null;
        }

        if (value.Length != _size)
        {
            throw new DataException($"Failed to deserialize {_typeName}: Size of data received by {_deserializerName} is not {_size} (got {value.Length} bytes from topic \"{topic}\").");
        }

        return new SchemaAndValue(Schema, Read(value));
    }

    private protected abstract bool TryCast(object value, out T result);

    private protected abstract void Write(Span<byte> destination, T value);

    private protected abstract T Read(ReadOnlySpan<byte> source);

    private protected static bool TryInteger(object value, out long result)
    {
        switch (value)
        {
            case sbyte v: result = v; return true;
            case byte v: result = v; return true;
            case short v: result = v; return true;
            case ushort v: result = v; return true;
            case int v: result = v; return true;
            case uint v: result = v; return true;
            case long v: result = v; return true;
            case ulong v when v <= long.MaxValue: result = (long)v; return true;
            default: result = 0; return false;
        }
    }
}

/// <summary>Kafka Connect's <c>org.apache.kafka.connect.converters.IntegerConverter</c>: 4 bytes, big-endian, <see cref="Schema.OptionalInt32Schema"/>.</summary>
public sealed class IntegerConverter : NumberConverter<int>
{
    /// <summary>Creates the converter.</summary>
    public IntegerConverter() : base("integer", "IntegerDeserializer", Schema.OptionalInt32Schema, 4) { }

    private protected override bool TryCast(object value, out int result)
    {
        var ok = TryInteger(value, out var l) && l is >= int.MinValue and <= int.MaxValue;
        result = ok ? (int)l : 0;
        return ok;
    }

    private protected override void Write(Span<byte> destination, int value) => BinaryPrimitives.WriteInt32BigEndian(destination, value);

    private protected override int Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt32BigEndian(source);
}

/// <summary>Kafka Connect's <c>org.apache.kafka.connect.converters.LongConverter</c>: 8 bytes, big-endian, <see cref="Schema.OptionalInt64Schema"/>.</summary>
public sealed class LongConverter : NumberConverter<long>
{
    /// <summary>Creates the converter.</summary>
    public LongConverter() : base("long", "LongDeserializer", Schema.OptionalInt64Schema, 8) { }

    private protected override bool TryCast(object value, out long result) => TryInteger(value, out result);

    private protected override void Write(Span<byte> destination, long value) => BinaryPrimitives.WriteInt64BigEndian(destination, value);

    private protected override long Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);
}

/// <summary>Kafka Connect's <c>org.apache.kafka.connect.converters.ShortConverter</c>: 2 bytes, big-endian, <see cref="Schema.OptionalInt16Schema"/>.</summary>
public sealed class ShortConverter : NumberConverter<short>
{
    /// <summary>Creates the converter.</summary>
    public ShortConverter() : base("short", "ShortDeserializer", Schema.OptionalInt16Schema, 2) { }

    private protected override bool TryCast(object value, out short result)
    {
        var ok = TryInteger(value, out var l) && l is >= short.MinValue and <= short.MaxValue;
        result = ok ? (short)l : (short)0;
        return ok;
    }

    private protected override void Write(Span<byte> destination, short value) => BinaryPrimitives.WriteInt16BigEndian(destination, value);

    private protected override short Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt16BigEndian(source);
}

/// <summary>Kafka Connect's <c>org.apache.kafka.connect.converters.FloatConverter</c>: IEEE 754 single, 4 bytes big-endian, <see cref="Schema.OptionalFloat32Schema"/>.</summary>
public sealed class FloatConverter : NumberConverter<float>
{
    /// <summary>Creates the converter.</summary>
    public FloatConverter() : base("float", "FloatDeserializer", Schema.OptionalFloat32Schema, 4) { }

    private protected override bool TryCast(object value, out float result)
    {
        var ok = value is float;
        result = ok ? (float)value : 0f;
        return ok;
    }

    private protected override void Write(Span<byte> destination, float value) => BinaryPrimitives.WriteSingleBigEndian(destination, value);

    private protected override float Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadSingleBigEndian(source);
}

/// <summary>Kafka Connect's <c>org.apache.kafka.connect.converters.DoubleConverter</c>: IEEE 754 double, 8 bytes big-endian, <see cref="Schema.OptionalFloat64Schema"/>.</summary>
public sealed class DoubleConverter : NumberConverter<double>
{
    /// <summary>Creates the converter.</summary>
    public DoubleConverter() : base("double", "DoubleDeserializer", Schema.OptionalFloat64Schema, 8) { }

    private protected override bool TryCast(object value, out double result)
    {
        switch (value)
        {
            case double d: result = d; return true;
            case float f: result = f; return true;
            default: result = 0; return false;
        }
    }

    private protected override void Write(Span<byte> destination, double value) => BinaryPrimitives.WriteDoubleBigEndian(destination, value);

    private protected override double Read(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadDoubleBigEndian(source);
}

/// <summary>
/// Kafka Connect's <c>org.apache.kafka.connect.converters.BooleanConverter</c>: one byte, 1 for true and 0 for false,
/// read back with <see cref="Schema.OptionalBooleanSchema"/>.
/// </summary>
public sealed class BooleanConverter : IConverter
{
    private static readonly byte[] True = [1];
    private static readonly byte[] False = [0];
    private static readonly SchemaAndValue NullValue = new(Schema.OptionalBooleanSchema, null);
    private static readonly SchemaAndValue TrueValue = new(Schema.OptionalBooleanSchema, true);
    private static readonly SchemaAndValue FalseValue = new(Schema.OptionalBooleanSchema, false);

    /// <summary>Whether this instance converts keys.</summary>
    public bool IsKey { get; private set; }

    /// <inheritdoc />
    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey) => IsKey = isKey;

    /// <inheritdoc />
    public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value)
    {
        if (schema is not null && schema.Type != SchemaType.Boolean)
        {
            throw new DataException($"Invalid schema type for BooleanConverter: {schema.Type.ToString().ToUpperInvariant()}");
        }

        return value switch
        {
            null => null,
            bool b => (byte[])(b ? True : False).Clone(),
            _ => throw new DataException($"BooleanConverter is not compatible with objects of type {value.GetType()}"),
        };
    }

    /// <inheritdoc />
    public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value)
    {
        if (value is null)
        {
            return NullValue;
        }

        if (value.Length != 1)
        {
            throw new DataException($"Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1 (got {value.Length} bytes from topic \"{topic}\").");
        }

        return value[0] switch
        {
            0 => FalseValue,
            1 => TrueValue,
            var b => throw new DataException($"Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: {b}"),
        };
    }
}
