using System.Collections;
using System.Globalization;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>Connect data to JSON.</summary>
public sealed partial class JsonConverter
{
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
        if (!ReferenceEquals(value.Schema, codec.Schema) && !ReferenceEquals(value.Schema, codec.MatchedSchema))
        {
            if (!value.Schema.Equals(codec.Schema) && !SameFields(value.Schema, codec.Schema))
            {
                throw new DataException($"Mismatching schema{ForField(field)}: the Struct's schema ({Describe(value.Schema)}) is not the schema given for it ({Describe(codec.Schema)}).");
            }

            codec.MatchedSchema = value.Schema;
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

    private static DataException WithField(DataException e, string field) => new($"{e.Message} (field \"{field}\")", e);

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
