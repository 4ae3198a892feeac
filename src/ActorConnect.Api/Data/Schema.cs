using System.Collections;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Data;

/// <summary>
/// An immutable description of a value, as Kafka Connect's ConnectSchema: a type, whether it may be null,
/// a default, an optional name/version/doc/parameters (names mark logical types), and the child schemas of
/// arrays, maps and structs. Build one with <see cref="SchemaBuilder"/> or use the predefined constants.
/// </summary>
public sealed class Schema : IEquatable<Schema>
{
    private readonly IReadOnlyList<Field> _fields;
    private readonly Dictionary<string, Field> _fieldsByName;

    /// <summary>Creates a schema. Prefer <see cref="SchemaBuilder"/>, which validates the combination.</summary>
    public Schema(
        SchemaType type,
        bool isOptional = false,
        object? defaultValue = null,
        string? name = null,
        int? version = null,
        string? doc = null,
        IReadOnlyDictionary<string, string>? parameters = null,
        IReadOnlyList<Field>? fields = null,
        Schema? keySchema = null,
        Schema? valueSchema = null)
    {
        Type = type;
        IsOptional = isOptional;
        DefaultValue = defaultValue;
        Name = name;
        Version = version;
        Doc = doc;
        Parameters = parameters ?? new Dictionary<string, string>();
        _fields = fields ?? Array.Empty<Field>();
        _fieldsByName = _fields.ToDictionary(f => f.Name);
        KeySchema = keySchema;
        ValueSchema = valueSchema;
    }

    /// <summary>The physical type.</summary>
    public SchemaType Type { get; }

    /// <summary>True if the value may be null.</summary>
    public bool IsOptional { get; }

    /// <summary>The value used when none is given, or null.</summary>
    public object? DefaultValue { get; }

    /// <summary>The schema's name; logical types use names such as <c>org.apache.kafka.connect.data.Decimal</c>.</summary>
    public string? Name { get; }

    /// <summary>The schema's version, when the producer of the data gave one.</summary>
    public int? Version { get; }

    /// <summary>Documentation of the schema.</summary>
    public string? Doc { get; }

    /// <summary>Free-form parameters (the Decimal logical type keeps its <c>scale</c> here).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    /// <summary>The fields of a struct schema, in order; empty for other types.</summary>
    public IReadOnlyList<Field> Fields => Type == SchemaType.Struct
        ? _fields
        : throw new DataException($"Cannot list fields on a non-struct schema of type {Type}");

    /// <summary>The key schema of a map schema.</summary>
    public Schema? KeySchema { get; }

    /// <summary>The value schema of a map schema, or the element schema of an array schema.</summary>
    public Schema? ValueSchema { get; }

    /// <summary>Looks a struct field up by name; null when there is no such field.</summary>
    public Field? Field(string name)
    {
        if (Type != SchemaType.Struct)
        {
            throw new DataException($"Cannot look up field '{name}' on a non-struct schema of type {Type}");
        }

        return _fieldsByName.GetValueOrDefault(name);
    }

    /// <summary>Checks that <paramref name="value"/> fits this schema, throwing <see cref="DataException"/> naming what does not.</summary>
    public void Validate(object? value, string? fieldName = null)
    {
        // Struct.Put validates every value it is given, so the success path allocates nothing: the message's
        // " for field" part is built only when it is thrown.
        if (value is null)
        {
            if (!IsOptional && DefaultValue is null)
            {
                throw new DataException($"Invalid value: null used for required field{Where(fieldName)}, schema type: {Type}");
            }

            return;
        }

        var ok = Type switch
        {
            SchemaType.Int8 => value is sbyte,
            SchemaType.Int16 => value is short,
            SchemaType.Int32 => value is int || (LogicalTypes.IsDate(this) || LogicalTypes.IsTime(this)) && value is DateTime or DateOnly or TimeOnly,
            SchemaType.Int64 => value is long || LogicalTypes.IsTimestamp(this) && value is DateTime or DateTimeOffset,
            SchemaType.Float32 => value is float,
            SchemaType.Float64 => value is double,
            SchemaType.Boolean => value is bool,
            SchemaType.String => value is string,
            SchemaType.Bytes => value is byte[] || LogicalTypes.IsDecimal(this) && value is decimal,
            SchemaType.Array => value is IList,
            SchemaType.Map => value is IDictionary,
            SchemaType.Struct => value is Struct,
            _ => false,
        };
        if (!ok)
        {
            throw new DataException($"Invalid type {value.GetType().Name}{Where(fieldName)} for schema type {Type}{(Name is null ? string.Empty : $" ({Name})")}");
        }

        switch (Type)
        {
            case SchemaType.Struct:
                var s = (Struct)value;
                if (!s.Schema.Equals(this))
                {
                    throw new DataException($"Struct schemas do not match{Where(fieldName)}");
                }

                s.Validate();
                break;
            case SchemaType.Array:
                foreach (var item in (IList)value)
                {
                    ValueSchema!.Validate(item, fieldName);
                }

                break;
            case SchemaType.Map:
                foreach (DictionaryEntry e in (IDictionary)value)
                {
                    KeySchema!.Validate(e.Key, fieldName);
                    ValueSchema!.Validate(e.Value, fieldName);
                }

                break;
        }
    }

    private static string Where(string? fieldName) => fieldName is null ? string.Empty : $" for field \"{fieldName}\"";

    /// <inheritdoc />
    public bool Equals(Schema? other) =>
        other is not null && (ReferenceEquals(this, other) ||
        Type == other.Type && IsOptional == other.IsOptional && Name == other.Name && Version == other.Version &&
        Doc == other.Doc && Struct.ValueEquals(DefaultValue, other.DefaultValue) &&
        Parameters.Count == other.Parameters.Count && !Parameters.Except(other.Parameters).Any() &&
        _fields.SequenceEqual(other._fields) && Equals(KeySchema, other.KeySchema) && Equals(ValueSchema, other.ValueSchema));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Schema);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, IsOptional, Name, Version, _fields.Count, KeySchema, ValueSchema);

    /// <inheritdoc />
    public override string ToString() => Name is null ? $"Schema{{{Type}}}" : $"Schema{{{Name}:{Type}}}";

    /// <summary>Required 8-bit integer.</summary>
    public static readonly Schema Int8Schema = new(SchemaType.Int8);
    /// <summary>Required 16-bit integer.</summary>
    public static readonly Schema Int16Schema = new(SchemaType.Int16);
    /// <summary>Required 32-bit integer.</summary>
    public static readonly Schema Int32Schema = new(SchemaType.Int32);
    /// <summary>Required 64-bit integer.</summary>
    public static readonly Schema Int64Schema = new(SchemaType.Int64);
    /// <summary>Required 32-bit float.</summary>
    public static readonly Schema Float32Schema = new(SchemaType.Float32);
    /// <summary>Required 64-bit float.</summary>
    public static readonly Schema Float64Schema = new(SchemaType.Float64);
    /// <summary>Required boolean.</summary>
    public static readonly Schema BooleanSchema = new(SchemaType.Boolean);
    /// <summary>Required string.</summary>
    public static readonly Schema StringSchema = new(SchemaType.String);
    /// <summary>Required bytes.</summary>
    public static readonly Schema BytesSchema = new(SchemaType.Bytes);
    /// <summary>Optional 8-bit integer.</summary>
    public static readonly Schema OptionalInt8Schema = new(SchemaType.Int8, isOptional: true);
    /// <summary>Optional 16-bit integer.</summary>
    public static readonly Schema OptionalInt16Schema = new(SchemaType.Int16, isOptional: true);
    /// <summary>Optional 32-bit integer.</summary>
    public static readonly Schema OptionalInt32Schema = new(SchemaType.Int32, isOptional: true);
    /// <summary>Optional 64-bit integer.</summary>
    public static readonly Schema OptionalInt64Schema = new(SchemaType.Int64, isOptional: true);
    /// <summary>Optional 32-bit float.</summary>
    public static readonly Schema OptionalFloat32Schema = new(SchemaType.Float32, isOptional: true);
    /// <summary>Optional 64-bit float.</summary>
    public static readonly Schema OptionalFloat64Schema = new(SchemaType.Float64, isOptional: true);
    /// <summary>Optional boolean.</summary>
    public static readonly Schema OptionalBooleanSchema = new(SchemaType.Boolean, isOptional: true);
    /// <summary>Optional string.</summary>
    public static readonly Schema OptionalStringSchema = new(SchemaType.String, isOptional: true);
    /// <summary>Optional bytes.</summary>
    public static readonly Schema OptionalBytesSchema = new(SchemaType.Bytes, isOptional: true);
}
