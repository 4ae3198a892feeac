using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>Connect data to JSON.</summary>
public sealed partial class JsonConverter
{
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText OptionalProperty = JsonEncodedText.Encode("optional");
    private static readonly JsonEncodedText NameProperty = JsonEncodedText.Encode("name");
    private static readonly JsonEncodedText VersionProperty = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText DocProperty = JsonEncodedText.Encode("doc");
    private static readonly JsonEncodedText ParametersProperty = JsonEncodedText.Encode("parameters");
    private static readonly JsonEncodedText DefaultProperty = JsonEncodedText.Encode("default");
    private static readonly JsonEncodedText ItemsProperty = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText KeysProperty = JsonEncodedText.Encode("keys");
    private static readonly JsonEncodedText ValuesProperty = JsonEncodedText.Encode("values");
    private static readonly JsonEncodedText FieldsProperty = JsonEncodedText.Encode("fields");
    private static readonly JsonEncodedText FieldProperty = JsonEncodedText.Encode("field");

    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    /// <summary>Kafka Connect's JSON type names (note "float" and "double" for FLOAT32 and FLOAT64).</summary>
    internal static JsonEncodedText TypeName(SchemaType type) => type switch
    {
        SchemaType.Int8 => JsonTypeNames.Int8,
        SchemaType.Int16 => JsonTypeNames.Int16,
        SchemaType.Int32 => JsonTypeNames.Int32,
        SchemaType.Int64 => JsonTypeNames.Int64,
        SchemaType.Float32 => JsonTypeNames.Float,
        SchemaType.Float64 => JsonTypeNames.Double,
        SchemaType.Boolean => JsonTypeNames.Boolean,
        SchemaType.String => JsonTypeNames.String,
        SchemaType.Bytes => JsonTypeNames.Bytes,
        SchemaType.Array => JsonTypeNames.Array,
        SchemaType.Map => JsonTypeNames.Map,
        SchemaType.Struct => JsonTypeNames.Struct,
        _ => throw new DataException($"Couldn't translate unsupported schema type {type}."),
    };

    /// <summary>Writes a schema as Kafka Connect does, keys in Kafka's order; struct fields carry "field" last.</summary>
    private void WriteSchema(Utf8JsonWriter writer, SchemaCodec codec, string? fieldName)
    {
        var schema = codec.Schema;
        writer.WriteStartObject();
        writer.WriteString(TypeProperty, TypeName(schema.Type));
        switch (schema.Type)
        {
            case SchemaType.Array:
                writer.WritePropertyName(ItemsProperty);
                WriteSchema(writer, codec.Value!, null);
                break;
            case SchemaType.Map:
                writer.WritePropertyName(KeysProperty);
                WriteSchema(writer, codec.Key!, null);
                writer.WritePropertyName(ValuesProperty);
                WriteSchema(writer, codec.Value!, null);
                break;
            case SchemaType.Struct:
                writer.WriteStartArray(FieldsProperty);
                foreach (var field in codec.Fields)
                {
                    WriteSchema(writer, field.Codec, field.Field.Name);
                }

                writer.WriteEndArray();
                break;
        }

        writer.WriteBoolean(OptionalProperty, schema.IsOptional);
        if (schema.Name is { } name)
        {
            writer.WriteString(NameProperty, name);
        }

        if (schema.Version is { } version)
        {
            writer.WriteNumber(VersionProperty, version);
        }

        if (schema.Doc is { } doc)
        {
            writer.WriteString(DocProperty, doc);
        }

        if (schema.Parameters.Count > 0)
        {
            writer.WriteStartObject(ParametersProperty);
            foreach (var (key, value) in schema.Parameters)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        if (schema.DefaultValue is { } defaultValue)
        {
            writer.WritePropertyName(DefaultProperty);
            WriteValue(writer, codec, defaultValue, fieldName);
        }

        if (fieldName is not null)
        {
            writer.WriteString(FieldProperty, fieldName);
        }

        writer.WriteEndObject();
    }

    private void WriteValue(Utf8JsonWriter writer, SchemaCodec? codec, object? value, string? field)
    {
        if (value is null)
        {
            WriteNull(writer, codec, field);
            return;
        }

        if (codec is null)
        {
            WriteSchemaless(writer, value, field);
            return;
        }

        switch (codec.Kind)
        {
            case CodecKind.Int8 when value is sbyte v:
                writer.WriteNumberValue(v);
                return;
            case CodecKind.Int16 when value is short v:
                writer.WriteNumberValue(v);
                return;
            case CodecKind.Int32 when value is int v:
                writer.WriteNumberValue(v);
                return;
            case CodecKind.Int64 when value is long v:
                writer.WriteNumberValue(v);
                return;
            case CodecKind.Float32 when value is float v:
                WriteFloat(writer, v);
                return;
            case CodecKind.Float64 when value is double v:
                WriteDouble(writer, v);
                return;
            case CodecKind.Boolean when value is bool v:
                writer.WriteBooleanValue(v);
                return;
            case CodecKind.String when value is string v:
                writer.WriteStringValue(v);
                return;
            case CodecKind.Bytes when TryGetBytes(value, out var bytes):
                writer.WriteBase64StringValue(bytes);
                return;
            case CodecKind.Decimal:
                WriteDecimal(writer, codec, value, field);
                return;
            case CodecKind.Date:
                writer.WriteNumberValue(DateValue(codec, value, field));
                return;
            case CodecKind.Time:
                writer.WriteNumberValue(TimeValue(codec, value, field));
                return;
            case CodecKind.Timestamp:
                writer.WriteNumberValue(TimestampValue(codec, value, field));
                return;
            case CodecKind.Array when value is IEnumerable items and not string:
                WriteArray(writer, codec.Value!, items, field);
                return;
            case CodecKind.Map when value is IDictionary map:
                WriteMap(writer, codec, map, field);
                return;
            case CodecKind.Struct when value is Struct st:
                WriteStruct(writer, codec, st, field);
                return;
        }

        throw InvalidType(codec, value, field);
    }

    private void WriteNull(Utf8JsonWriter writer, SchemaCodec? codec, string? field)
    {
        if (codec is null)
        {
            writer.WriteNullValue();
            return;
        }

        var schema = codec.Schema;
        if (schema.DefaultValue is { } defaultValue && _replaceNullWithDefault)
        {
            WriteValue(writer, codec, defaultValue, field);
        }
        else if (schema.IsOptional)
        {
            writer.WriteNullValue();
        }
        else
        {
            throw new DataException(field is null
                ? "Conversion error: null value for field that is required and has no default value"
                : $"Conversion error: null value for field \"{field}\" that is required and has no default value");
        }
    }

    private void WriteArray(Utf8JsonWriter writer, SchemaCodec itemCodec, IEnumerable items, string? field)
    {
        writer.WriteStartArray();
        if (items is IList list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                WriteValue(writer, itemCodec, list[i], field);
            }
        }
        else
        {
            foreach (var item in items)
            {
                WriteValue(writer, itemCodec, item, field);
            }
        }

        writer.WriteEndArray();
    }

    private void WriteMap(Utf8JsonWriter writer, SchemaCodec codec, IDictionary map, string? field)
    {
        var valueCodec = codec.Value!;
        if (codec.StringKeys)
        {
            writer.WriteStartObject();
            if (map is Dictionary<string, object?> typed)
            {
                foreach (var (key, value) in typed)
                {
                    writer.WritePropertyName(key);
                    WriteValue(writer, valueCodec, value, field);
                }
            }
            else
            {
                foreach (DictionaryEntry entry in map)
                {
                    if (entry.Key is not string key)
                    {
                        throw InvalidType(codec.Key!, entry.Key, field);
                    }

                    writer.WritePropertyName(key);
                    WriteValue(writer, valueCodec, entry.Value, field);
                }
            }

            writer.WriteEndObject();
            return;
        }

        // Kafka Connect writes maps whose keys are not strings as an array of [key, value] pairs.
        var keyCodec = codec.Key!;
        writer.WriteStartArray();
        foreach (DictionaryEntry entry in map)
        {
            writer.WriteStartArray();
            WriteValue(writer, keyCodec, entry.Key, field);
            WriteValue(writer, valueCodec, entry.Value, field);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private void WriteStruct(Utf8JsonWriter writer, SchemaCodec codec, Struct value, string? field)
    {
        if (!ReferenceEquals(value.Schema, codec.Schema) && !value.Schema.Equals(codec.Schema) && !SameFields(value.Schema, codec.Schema))
        {
            throw new DataException($"Mismatching schema{ForField(field)}: the Struct's schema ({Describe(value.Schema)}) is not the schema given for it ({Describe(codec.Schema)}).");
        }

        writer.WriteStartObject();
        foreach (var fieldCodec in codec.Fields)
        {
            writer.WritePropertyName(fieldCodec.Name);
            var fieldValue = _replaceNullWithDefault ? value.Get(fieldCodec.Field) : value.GetWithoutDefault(fieldCodec.Field.Name);
            WriteValue(writer, fieldCodec.Codec, fieldValue, fieldCodec.Field.Name);
        }

        writer.WriteEndObject();
    }

    private void WriteSchemaless(Utf8JsonWriter writer, object value, string? field)
    {
        switch (value)
        {
            case string v:
                writer.WriteStringValue(v);
                return;
            case bool v:
                writer.WriteBooleanValue(v);
                return;
            case int v:
                writer.WriteNumberValue(v);
                return;
            case long v:
                writer.WriteNumberValue(v);
                return;
            case double v:
                WriteDouble(writer, v);
                return;
            case float v:
                WriteFloat(writer, v);
                return;
            case short v:
                writer.WriteNumberValue(v);
                return;
            case sbyte v:
                writer.WriteNumberValue(v);
                return;
            case byte v:
                writer.WriteNumberValue(v);
                return;
            case ushort v:
                writer.WriteNumberValue(v);
                return;
            case uint v:
                writer.WriteNumberValue(v);
                return;
            case ulong v:
                writer.WriteNumberValue(v);
                return;
            case decimal v:
                writer.WriteNumberValue(v);
                return;
            case char v:
                writer.WriteStringValue(new ReadOnlySpan<char>(in v));
                return;
            case Struct st:
                throw new DataException($"JsonConverter cannot serialize a Struct without a schema{ForField(field)}: {Describe(st.Schema)}. " +
                    "Pass the Struct's schema with the value (for example the record's value schema = struct.Schema).");
            case byte[] v:
                writer.WriteBase64StringValue(v);
                return;
            case ArraySegment<byte> v:
                writer.WriteBase64StringValue(v);
                return;
            case IDictionary map:
                WriteSchemalessMap(writer, map, field);
                return;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, null, item, field);
                }

                writer.WriteEndArray();
                return;
            default:
                if (TryGetBytes(value, out var memory))
                {
                    writer.WriteBase64StringValue(memory);
                    return;
                }

                throw new DataException($"{value.GetType()} does not have a corresponding Kafka Connect schema type{ForField(field)}. " +
                    "Without a schema JsonConverter writes strings, booleans, numbers, byte[], lists and dictionaries; give the record a schema " +
                    "(for example a Timestamp or Date logical type for dates).");
        }
    }

    private void WriteSchemalessMap(Utf8JsonWriter writer, IDictionary map, string? field)
    {
        if (map is Dictionary<string, object?> typed)
        {
            writer.WriteStartObject();
            foreach (var (key, value) in typed)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, null, value, key);
            }

            writer.WriteEndObject();
            return;
        }

        var stringKeys = true;
        foreach (var key in map.Keys)
        {
            if (key is not string)
            {
                stringKeys = false;
                break;
            }
        }

        if (stringKeys)
        {
            writer.WriteStartObject();
            foreach (DictionaryEntry entry in map)
            {
                var key = (string)entry.Key;
                writer.WritePropertyName(key);
                WriteValue(writer, null, entry.Value, key);
            }

            writer.WriteEndObject();
            return;
        }

        writer.WriteStartArray();
        foreach (DictionaryEntry entry in map)
        {
            writer.WriteStartArray();
            WriteValue(writer, null, entry.Key, field);
            WriteValue(writer, null, entry.Value, field);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    private void WriteDecimal(Utf8JsonWriter writer, SchemaCodec codec, object value, string? field)
    {
        decimal number;
        switch (value)
        {
            case decimal d:
                number = d;
                break;
            case byte[] raw when _decimalFormat == DecimalFormat.Base64:
                writer.WriteBase64StringValue(raw);
                return;
            case byte[] raw:
                try
                {
                    number = LogicalTypes.DecimalFromBytes(codec.Schema, raw);
                }
                catch (DataException e) when (field is not null)
                {
                    throw WithField(e, field);
                }

                break;
            default:
                throw InvalidType(codec, value, field);
        }

        if (_decimalFormat == DecimalFormat.Numeric)
        {
            writer.WriteNumberValue(Rescale(number, codec.Scale));
            return;
        }

        Span<byte> unscaled = stackalloc byte[16];
        if (TryEncodeDecimal(number, codec.Scale, unscaled, out var length))
        {
            writer.WriteBase64StringValue(unscaled[..length]);
        }
        else
        {
            writer.WriteBase64StringValue(LogicalTypes.DecimalToBytes(codec.Schema, number));
        }
    }

    private static int DateValue(SchemaCodec codec, object value, string? field)
    {
        DateTime instant;
        switch (value)
        {
            case int days:
                return days;
            case DateOnly date:
                return date.DayNumber - EpochDayNumber;
            case DateTime v:
                instant = v;
                break;
            case DateTimeOffset v:
                instant = v.UtcDateTime;
                break;
            default:
                throw InvalidType(codec, value, field);
        }

        try
        {
            return LogicalTypes.DateToDays(instant);
        }
        catch (DataException e) when (field is not null)
        {
            throw WithField(e, field);
        }
    }

    private static int TimeValue(SchemaCodec codec, object value, string? field)
    {
        switch (value)
        {
            case int millis:
                return millis;
            case TimeOnly time:
                return (int)(time.Ticks / TimeSpan.TicksPerMillisecond);
            case TimeSpan span when span >= TimeSpan.Zero && span < TimeSpan.FromDays(1):
                return (int)(span.Ticks / TimeSpan.TicksPerMillisecond);
            case DateTime instant:
                try
                {
                    return LogicalTypes.TimeToMillis(instant);
                }
                catch (DataException e) when (field is not null)
                {
                    throw WithField(e, field);
                }

            default:
                throw InvalidType(codec, value, field);
        }
    }

    private static long TimestampValue(SchemaCodec codec, object value, string? field) => value switch
    {
        long millis => millis,
        DateTime v => LogicalTypes.TimestampToMillis(v),
        DateTimeOffset v => v.ToUnixTimeMilliseconds(),
        _ => throw InvalidType(codec, value, field),
    };

    private static DataException WithField(DataException e, string field) => new($"{e.Message} (field \"{field}\")", e);

    /// <summary>
    /// Kafka's Decimal bytes (unscaled value, minimal two's complement, big-endian) without allocating, for values whose
    /// unscaled form fits 128 bits; false sends the caller to <see cref="LogicalTypes.DecimalToBytes"/>.
    /// </summary>
    internal static bool TryEncodeDecimal(decimal value, int scale, Span<byte> destination, out int length)
    {
        length = 0;
        if (scale is < 0 or > 28)
        {
            return false;
        }

        value = decimal.Round(value, scale);
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var power = Pow10(scale - value.Scale);
        if (mantissa != 0 && mantissa > (UInt128)Int128.MaxValue / power)
        {
            return false;
        }

        var magnitude = (Int128)(mantissa * power);
        var unscaled = bits[3] < 0 ? -magnitude : magnitude;
        Span<byte> full = stackalloc byte[16];
        BinaryPrimitives.WriteInt128BigEndian(full, unscaled);
        var start = 0;
        while (start < 15 && ((full[start] == 0x00 && (full[start + 1] & 0x80) == 0) || (full[start] == 0xFF && (full[start + 1] & 0x80) != 0)))
        {
            start++;
        }

        length = 16 - start;
        full[start..].CopyTo(destination);
        return true;
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }

    /// <summary>The value rounded to <paramref name="scale"/> and written with exactly that many decimals (5 → 5.00), as Kafka's NUMERIC does.</summary>
    internal static decimal Rescale(decimal value, int scale)
    {
        if (scale is < 0 or > 28)
        {
            return value;
        }

        value = decimal.Round(value, scale);
        var missing = scale - value.Scale;
        if (missing <= 0)
        {
            return value;
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var power = Pow10(missing);
        if (mantissa > UInt128.MaxValue / power)
        {
            return value;
        }

        mantissa *= power;
        return mantissa >> 96 == 0
            ? new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), bits[3] < 0, (byte)scale)
            : value; // more digits than a decimal holds: keep the value, with fewer trailing zeros
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        Span<byte> text = stackalloc byte[40];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        WriteFloatingText(writer, text, length);
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (!float.IsFinite(value))
        {
            writer.WriteStringValue(float.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
            return;
        }

        Span<byte> text = stackalloc byte[40];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        WriteFloatingText(writer, text, length);
    }

    /// <summary>Writes a formatted float with a decimal point (1 → 1.0) so it reads back as a floating-point number, as Jackson writes it.</summary>
    private static void WriteFloatingText(Utf8JsonWriter writer, Span<byte> text, int length)
    {
        if (text[..length].IndexOfAny((byte)'.', (byte)'E', (byte)'e') < 0)
        {
            text[length++] = (byte)'.';
            text[length++] = (byte)'0';
        }

        writer.WriteRawValue(text[..length], skipInputValidation: true);
    }

    private static bool TryGetBytes(object value, out ReadOnlySpan<byte> bytes)
    {
        switch (value)
        {
            case byte[] array:
                bytes = array;
                return true;
            case ArraySegment<byte> segment:
                bytes = segment;
                return true;
            case ReadOnlyMemory<byte> memory:
                bytes = memory.Span;
                return true;
            case Memory<byte> memory:
                bytes = memory.Span;
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    private static bool SameFields(Schema a, Schema b) =>
        a.Type == SchemaType.Struct && b.Type == SchemaType.Struct && a.Fields.SequenceEqual(b.Fields);

    private static string Describe(Schema schema) =>
        schema.Type == SchemaType.Struct
            ? $"struct {schema.Name ?? "(unnamed)"} with fields {string.Join(", ", schema.Fields.Select(f => f.Name))}"
            : schema.ToString();

    private static DataException InvalidType(SchemaCodec codec, object? value, string? field)
    {
        var logical = codec.Schema.Name is { } name && codec.Kind is CodecKind.Decimal or CodecKind.Date or CodecKind.Time or CodecKind.Timestamp
            ? $" ({name})"
            : string.Empty;
        return new DataException($"Invalid type for {codec.TypeName}{logical}{ForField(field)}: {value?.GetType().ToString() ?? "null"}; expected {Expected(codec.Kind)}");
    }

    private static string Expected(CodecKind kind) => kind switch
    {
        CodecKind.Int8 => "System.SByte",
        CodecKind.Int16 => "System.Int16",
        CodecKind.Int32 => "System.Int32",
        CodecKind.Int64 => "System.Int64",
        CodecKind.Float32 => "System.Single",
        CodecKind.Float64 => "System.Double",
        CodecKind.Boolean => "System.Boolean",
        CodecKind.String => "System.String",
        CodecKind.Bytes => "System.Byte[] (or ReadOnlyMemory<byte>/ArraySegment<byte>)",
        CodecKind.Decimal => "System.Decimal",
        CodecKind.Date => "System.DateTime (UTC midnight) or DateOnly",
        CodecKind.Time => "System.DateTime (on 1970-01-01 UTC) or TimeOnly",
        CodecKind.Timestamp => "System.DateTime or DateTimeOffset",
        CodecKind.Array => "a list (IList)",
        CodecKind.Map => "a dictionary (IDictionary)",
        CodecKind.Struct => "ActorConnect.Api.Data.Struct",
        _ => kind.ToString(),
    };
}

/// <summary>Kafka Connect's JSON schema type names.</summary>
internal static class JsonTypeNames
{
    public static readonly JsonEncodedText Int8 = JsonEncodedText.Encode("int8");
    public static readonly JsonEncodedText Int16 = JsonEncodedText.Encode("int16");
    public static readonly JsonEncodedText Int32 = JsonEncodedText.Encode("int32");
    public static readonly JsonEncodedText Int64 = JsonEncodedText.Encode("int64");
    public static readonly JsonEncodedText Float = JsonEncodedText.Encode("float");
    public static readonly JsonEncodedText Double = JsonEncodedText.Encode("double");
    public static readonly JsonEncodedText Boolean = JsonEncodedText.Encode("boolean");
    public static readonly JsonEncodedText String = JsonEncodedText.Encode("string");
    public static readonly JsonEncodedText Bytes = JsonEncodedText.Encode("bytes");
    public static readonly JsonEncodedText Array = JsonEncodedText.Encode("array");
    public static readonly JsonEncodedText Map = JsonEncodedText.Encode("map");
    public static readonly JsonEncodedText Struct = JsonEncodedText.Encode("struct");
}
