using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>What a value of a schema is, physical type and logical type folded into one switch.</summary>
internal enum CodecKind : byte
{
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
    Decimal,
    Date,
    Time,
    Timestamp,
}

/// <summary>
/// A schema prepared for JSON: its kind, child codecs, field names already encoded, and (once asked for) the
/// schema's own JSON. Built once per schema and cached by the converter, so the per-record work is a switch.
/// </summary>
internal sealed class SchemaCodec
{
    private const int FieldIndexThreshold = 16;

    public SchemaCodec(Schema schema)
    {
        Schema = schema;
        Kind = KindOf(schema);
        switch (schema.Type)
        {
            case SchemaType.Array:
                Value = new SchemaCodec(schema.ValueSchema ?? throw new DataException("Array schema did not specify the element type"));
                break;
            case SchemaType.Map:
                Key = new SchemaCodec(schema.KeySchema ?? throw new DataException("Map schema did not specify the key type"));
                Value = new SchemaCodec(schema.ValueSchema ?? throw new DataException("Map schema did not specify the value type"));
                StringKeys = Key.Schema.Type == SchemaType.String;
                break;
            case SchemaType.Struct:
                Fields = schema.Fields.Select(f => new FieldCodec(f)).ToArray();
                if (Fields.Length > FieldIndexThreshold)
                {
                    FieldIndex = new Dictionary<string, int>(Fields.Length, StringComparer.Ordinal);
                    for (var i = 0; i < Fields.Length; i++)
                    {
                        FieldIndex[Fields[i].Field.Name] = i;
                    }
                }

                break;
        }

        if (Kind == CodecKind.Decimal)
        {
            Scale = LogicalTypes.ScaleOf(schema);
        }
    }

    public Schema Schema { get; }

    public CodecKind Kind { get; }

    /// <summary>The key codec of a map.</summary>
    public SchemaCodec? Key { get; }

    /// <summary>The element codec of an array, or the value codec of a map.</summary>
    public SchemaCodec? Value { get; }

    /// <summary>True for maps whose keys are strings, written as JSON objects (others are arrays of [key, value]).</summary>
    public bool StringKeys { get; }

    /// <summary>The fields of a struct, in schema order.</summary>
    public FieldCodec[] Fields { get; } = [];

    /// <summary>Field positions by name, for big structs whose JSON lists fields out of order.</summary>
    public Dictionary<string, int>? FieldIndex { get; }

    /// <summary>The Decimal scale.</summary>
    public int Scale { get; }

    /// <summary>The schema as Kafka Connect JSON, computed on first use.</summary>
    public byte[]? SchemaJson { get; set; }

    /// <summary>
    /// The last other schema instance a Struct's value carried that was found equal to <see cref="Schema"/>. A connector
    /// that builds an equal schema anew (a table read again, a new task on a reused converter) then has it compared
    /// field by field once, not for every record. Only ever set to a schema that matched, so a stale read is harmless.
    /// </summary>
    public Schema? MatchedSchema { get; set; }

    /// <summary>The schema type as Kafka Connect prints it (INT32, STRUCT, ...).</summary>
    public string TypeName => Schema.Type.ToString().ToUpperInvariant();

    private static CodecKind KindOf(Schema schema) => schema.Type switch
    {
        SchemaType.Int8 => CodecKind.Int8,
        SchemaType.Int16 => CodecKind.Int16,
        SchemaType.Int32 when schema.Name == LogicalTypes.DateName => CodecKind.Date,
        SchemaType.Int32 when schema.Name == LogicalTypes.TimeName => CodecKind.Time,
        SchemaType.Int32 => CodecKind.Int32,
        SchemaType.Int64 when schema.Name == LogicalTypes.TimestampName => CodecKind.Timestamp,
        SchemaType.Int64 => CodecKind.Int64,
        SchemaType.Float32 => CodecKind.Float32,
        SchemaType.Float64 => CodecKind.Float64,
        SchemaType.Boolean => CodecKind.Boolean,
        SchemaType.String => CodecKind.String,
        SchemaType.Bytes when schema.Name == LogicalTypes.DecimalName => CodecKind.Decimal,
        SchemaType.Bytes => CodecKind.Bytes,
        SchemaType.Array => CodecKind.Array,
        SchemaType.Map => CodecKind.Map,
        SchemaType.Struct => CodecKind.Struct,
        _ => throw new DataException($"Couldn't translate unsupported schema type {schema}."),
    };
}

/// <summary>A struct field with its name pre-encoded for writing and for matching while reading.</summary>
internal sealed class FieldCodec
{
    public FieldCodec(Field field)
    {
        Field = field;
        Name = JsonEncodedText.Encode(field.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        Utf8Name = Encoding.UTF8.GetBytes(field.Name);
        Codec = new SchemaCodec(field.Schema);
    }

    public Field Field { get; }

    public JsonEncodedText Name { get; }

    public byte[] Utf8Name { get; }

    public SchemaCodec Codec { get; }
}

/// <summary>Compares byte arrays by content and looks them up by span, so cached schema JSON is found without copying.</summary>
internal sealed class ByteContentComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly ByteContentComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] obj) => Hash(obj);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
