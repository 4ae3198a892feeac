using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>JSON to Connect data.</summary>
public sealed partial class JsonConverter
{
    private const int MillisPerDay = 24 * 60 * 60 * 1000;
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private object? ReadValue(ref Utf8JsonReader reader, SchemaCodec? codec, string? field)
    {
        if (codec is null)
        {
            return ReadSchemaless(ref reader);
        }

        var token = reader.TokenType;
        if (token == JsonTokenType.Null)
        {
            return NullFor(codec, field);
        }

        switch (codec.Kind)
        {
            case CodecKind.Int8 when token == JsonTokenType.Number && reader.TryGetInt32(out var v) && v is >= sbyte.MinValue and <= sbyte.MaxValue:
                return (sbyte)v;
            case CodecKind.Int16 when token == JsonTokenType.Number && reader.TryGetInt32(out var v) && v is >= short.MinValue and <= short.MaxValue:
                return (short)v;
            case CodecKind.Int32 when token == JsonTokenType.Number && reader.TryGetInt32(out var v):
                return v;
            case CodecKind.Int64 when token == JsonTokenType.Number && reader.TryGetInt64(out var v):
                return v;
            case CodecKind.Float32 when token == JsonTokenType.Number && reader.TryGetSingle(out var v):
                return v;
            case CodecKind.Float32 when token == JsonTokenType.String && NonFinite(ref reader) is { } special:
                return (float)special;
            case CodecKind.Float64 when token == JsonTokenType.Number && reader.TryGetDouble(out var v):
                return v;
            case CodecKind.Float64 when token == JsonTokenType.String && NonFinite(ref reader) is { } special:
                return special;
            case CodecKind.Boolean when token == JsonTokenType.True:
                return BoxedTrue;
            case CodecKind.Boolean when token == JsonTokenType.False:
                return BoxedFalse;
            case CodecKind.String when token == JsonTokenType.String:
                return reader.GetString();
            case CodecKind.Bytes when token == JsonTokenType.String:
                return reader.TryGetBytesFromBase64(out var bytes) ? bytes : throw new DataException($"Invalid bytes field{ForField(field)}: the JSON string is not base64");
            case CodecKind.Decimal:
                return ReadDecimal(ref reader, codec, field);
            case CodecKind.Date when token == JsonTokenType.Number && reader.TryGetInt32(out var days):
                return days is >= -719162 and <= 2932896
                    ? LogicalTypes.DateFromDays(days)
                    : throw new DataException($"Date value {days} days from the epoch is outside the range of DateTime{ForField(field)}");
            case CodecKind.Date:
                throw new DataException($"Invalid type for Date, underlying representation should be integer but was {NodeType(token)}{ForField(field)}");
            case CodecKind.Time when token == JsonTokenType.Number && reader.TryGetInt32(out var millis):
                return millis is >= 0 and < MillisPerDay
                    ? LogicalTypes.TimeFromMillis(millis)
                    : throw new DataException($"Time values must use number of milliseconds greater than 0 and less than 86400000, but was {millis}{ForField(field)}");
            case CodecKind.Time:
                throw new DataException($"Invalid type for Time, underlying representation should be integer but was {NodeType(token)}{ForField(field)}");
            case CodecKind.Timestamp when token == JsonTokenType.Number && reader.TryGetInt64(out var epochMillis):
                return epochMillis is >= -62135596800000L and <= 253402300799999L
                    ? LogicalTypes.TimestampFromMillis(epochMillis)
                    : throw new DataException($"Timestamp value {epochMillis} ms from the epoch is outside the range of DateTime{ForField(field)}");
            case CodecKind.Timestamp:
                throw new DataException($"Invalid type for Timestamp, underlying representation should be integral but was {NodeType(token)}{ForField(field)}");
            case CodecKind.Array:
                return ReadArray(ref reader, codec, field);
            case CodecKind.Map:
                return ReadMap(ref reader, codec, field);
            case CodecKind.Struct:
                return ReadStruct(ref reader, codec, field);
        }

        throw new DataException($"Invalid value for {codec.TypeName}{ForField(field)}: expected {ExpectedJson(codec)} but found {NodeType(token)}{Preview(ref reader)}");
    }

    private object? NullFor(SchemaCodec codec, string? field)
    {
        var schema = codec.Schema;
        if (schema.DefaultValue is { } defaultValue && _replaceNullWithDefault)
        {
            return defaultValue;
        }

        return schema.IsOptional
            ? null
            : throw new DataException($"Invalid null value for required {codec.TypeName} field{(field is null ? string.Empty : $" \"{field}\"")}");
    }

    private List<object?> ReadArray(ref Utf8JsonReader reader, SchemaCodec codec, string? field)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new DataException($"Arrays should be encoded as JSON arrays, but found {NodeType(reader.TokenType)}{ForField(field)}");
        }

        var list = new List<object?>();
        var items = codec.Value!;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(ReadValue(ref reader, items, field));
        }

        return list;
    }

    private object ReadMap(ref Utf8JsonReader reader, SchemaCodec codec, string? field)
    {
        var values = codec.Value!;
        if (codec.StringKeys)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new DataException($"Maps with string fields should be encoded as JSON objects, but found {NodeType(reader.TokenType)}{ForField(field)}");
            }

            var map = new Dictionary<string, object?>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = reader.GetString()!;
                reader.Read();
                map[key] = ReadValue(ref reader, values, field);
            }

            return map;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new DataException($"Maps with non-string fields should be encoded as JSON array of tuples, but found {NodeType(reader.TokenType)}{ForField(field)}");
        }

        var keys = codec.Key!;
        var pairs = new Dictionary<object, object?>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new DataException($"Found invalid map entry instead of array tuple: {NodeType(reader.TokenType)}{ForField(field)}");
            }

            var count = 0;
            object? key = null;
            object? value = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                switch (count++)
                {
                    case 0:
                        key = ReadValue(ref reader, keys, field);
                        break;
                    case 1:
                        value = ReadValue(ref reader, values, field);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (count != 2)
            {
                throw new DataException($"Found invalid map entry, expected length 2 but found :{count}{ForField(field)}");
            }

            pairs[key ?? throw new DataException($"Map keys may not be null{ForField(field)}")] = value;
        }

        return pairs;
    }

    private Struct ReadStruct(ref Utf8JsonReader reader, SchemaCodec codec, string? field)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataException($"Structs should be encoded as JSON objects, but found {NodeType(reader.TokenType)}{ForField(field)}");
        }

        var fields = codec.Fields;
        var result = new Struct(codec.Schema);
        Span<bool> seen = fields.Length <= 64 ? stackalloc bool[fields.Length] : new bool[fields.Length];
        var next = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var index = FindField(ref reader, codec, next);
            reader.Read();
            if (index < 0)
            {
                // Kafka Connect ignores JSON fields the schema does not declare.
                reader.Skip();
                continue;
            }

            var fieldCodec = fields[index];
            result.Put(fieldCodec.Field, ReadValue(ref reader, fieldCodec.Codec, fieldCodec.Field.Name));
            seen[index] = true;
            next = index + 1;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (!seen[i] && NullFor(fields[i].Codec, fields[i].Field.Name) is { } defaultValue)
            {
                result.Put(fields[i].Field, defaultValue);
            }
        }

        return result;
    }

    private static int FindField(ref Utf8JsonReader reader, SchemaCodec codec, int expected)
    {
        var fields = codec.Fields;
        if (expected < fields.Length && reader.ValueTextEquals(fields[expected].Utf8Name))
        {
            return expected;
        }

        if (codec.FieldIndex is { } index)
        {
            return index.TryGetValue(reader.GetString()!, out var i) ? i : -1;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (i != expected && reader.ValueTextEquals(fields[i].Utf8Name))
            {
                return i;
            }
        }

        return -1;
    }

    private static double? NonFinite(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("NaN"u8) ? double.NaN
        : reader.ValueTextEquals("Infinity"u8) ? double.PositiveInfinity
        : reader.ValueTextEquals("-Infinity"u8) ? double.NegativeInfinity
        : null;

    private static object? ReadSchemaless(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.True:
                return BoxedTrue;
            case JsonTokenType.False:
                return BoxedFalse;
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var integer) ? integer : (object)reader.GetDouble();
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadSchemaless(ref reader));
                }

                return list;
            case JsonTokenType.StartObject:
                var map = new Dictionary<string, object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    map[key] = ReadSchemaless(ref reader);
                }

                return map;
            default:
                throw new DataException($"Unexpected JSON token {reader.TokenType}");
        }
    }

    private static string ExpectedJson(SchemaCodec codec) => codec.Kind switch
    {
        CodecKind.Int8 or CodecKind.Int16 or CodecKind.Int32 or CodecKind.Int64 => $"an integer that fits {codec.TypeName}",
        CodecKind.Float32 or CodecKind.Float64 => "a number",
        CodecKind.Boolean => "true or false",
        CodecKind.String => "a string",
        CodecKind.Bytes => "a base64 string",
        _ => codec.TypeName,
    };

    private static string Preview(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is not (JsonTokenType.Number or JsonTokenType.String) || reader.HasValueSequence)
        {
            return string.Empty;
        }

        var span = reader.ValueSpan;
        var text = System.Text.Encoding.UTF8.GetString(span[..Math.Min(span.Length, 40)]);
        return reader.TokenType == JsonTokenType.String ? $" \"{text}\"" : $" {text}";
    }
}
