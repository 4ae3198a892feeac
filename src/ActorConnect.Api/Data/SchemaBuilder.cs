using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Data;

/// <summary>
/// Fluent builder for <see cref="Schema"/>, mirroring Kafka Connect's SchemaBuilder so schemas read the same way:
/// <c>SchemaBuilder.Struct().Name("com.acme.Order").Field("id", Schema.Int64Schema).Build()</c>.
/// Each attribute may be set once; setting it twice is a programming error and throws.
/// </summary>
public sealed class SchemaBuilder
{
    private readonly SchemaType _type;
    private readonly List<Field> _fields = new();
    private readonly Dictionary<string, string> _parameters = new();
    private readonly Schema? _keySchema;
    private readonly Schema? _valueSchema;
    private bool _optional;
    private object? _default;
    private string? _name;
    private int? _version;
    private string? _doc;

    private SchemaBuilder(SchemaType type, Schema? keySchema = null, Schema? valueSchema = null)
    {
        _type = type;
        _keySchema = keySchema;
        _valueSchema = valueSchema;
    }

    /// <summary>Starts a schema of the given primitive type.</summary>
    public static SchemaBuilder Type(SchemaType type) => type switch
    {
        SchemaType.Array or SchemaType.Map => throw new DataException($"Use SchemaBuilder.{type}(...) to build {type} schemas"),
        _ => new SchemaBuilder(type),
    };

    /// <summary>Starts an 8-bit integer schema.</summary>
    public static SchemaBuilder Int8() => new(SchemaType.Int8);
    /// <summary>Starts a 16-bit integer schema.</summary>
    public static SchemaBuilder Int16() => new(SchemaType.Int16);
    /// <summary>Starts a 32-bit integer schema.</summary>
    public static SchemaBuilder Int32() => new(SchemaType.Int32);
    /// <summary>Starts a 64-bit integer schema.</summary>
    public static SchemaBuilder Int64() => new(SchemaType.Int64);
    /// <summary>Starts a 32-bit float schema.</summary>
    public static SchemaBuilder Float32() => new(SchemaType.Float32);
    /// <summary>Starts a 64-bit float schema.</summary>
    public static SchemaBuilder Float64() => new(SchemaType.Float64);
    /// <summary>Starts a boolean schema.</summary>
    public static SchemaBuilder Bool() => new(SchemaType.Boolean);
    /// <summary>Starts a string schema.</summary>
    public static SchemaBuilder String() => new(SchemaType.String);
    /// <summary>Starts a bytes schema.</summary>
    public static SchemaBuilder Bytes() => new(SchemaType.Bytes);
    /// <summary>Starts a struct schema; add fields with <see cref="Field"/>.</summary>
    public static SchemaBuilder Struct() => new(SchemaType.Struct);

    /// <summary>Starts an array schema whose elements follow <paramref name="valueSchema"/>.</summary>
    public static SchemaBuilder Array(Schema valueSchema) => new(SchemaType.Array, valueSchema: valueSchema ?? throw new ArgumentNullException(nameof(valueSchema)));

    /// <summary>Starts a map schema.</summary>
    public static SchemaBuilder Map(Schema keySchema, Schema valueSchema) =>
        new(SchemaType.Map, keySchema ?? throw new ArgumentNullException(nameof(keySchema)), valueSchema ?? throw new ArgumentNullException(nameof(valueSchema)));

    /// <summary>Marks the schema optional (null allowed).</summary>
    public SchemaBuilder Optional()
    {
        _optional = true;
        return this;
    }

    /// <summary>Marks the schema required (the default).</summary>
    public SchemaBuilder Required()
    {
        _optional = false;
        return this;
    }

    /// <summary>Sets the default value; it must fit the schema.</summary>
    public SchemaBuilder DefaultValue(object? value)
    {
        Once(_default, "default");
        _default = value;
        return this;
    }

    /// <summary>Sets the schema name.</summary>
    public SchemaBuilder Name(string name)
    {
        Once(_name, "name");
        _name = name;
        return this;
    }

    /// <summary>Sets the schema version.</summary>
    public SchemaBuilder Version(int version)
    {
        Once(_version, "version");
        _version = version;
        return this;
    }

    /// <summary>Sets the schema documentation.</summary>
    public SchemaBuilder Doc(string doc)
    {
        Once(_doc, "doc");
        _doc = doc;
        return this;
    }

    /// <summary>Adds a parameter.</summary>
    public SchemaBuilder Parameter(string name, string value)
    {
        _parameters[name] = value;
        return this;
    }

    /// <summary>Adds a field to a struct schema.</summary>
    public SchemaBuilder Field(string name, Schema schema)
    {
        if (_type != SchemaType.Struct)
        {
            throw new DataException($"Cannot add field '{name}' to a non-struct schema of type {_type}");
        }

        if (_fields.Any(f => f.Name == name))
        {
            throw new DataException($"Cannot create field because of field name duplication {name}");
        }

        _fields.Add(new Field(name, _fields.Count, schema));
        return this;
    }

    /// <summary>The fields added so far (struct builders only).</summary>
    public IReadOnlyList<Field> Fields => _fields;

    /// <summary>Builds the immutable schema.</summary>
    public Schema Build()
    {
        var schema = new Schema(_type, _optional, null, _name, _version, _doc, new Dictionary<string, string>(_parameters), _fields.ToList(), _keySchema, _valueSchema);
        if (_default is null)
        {
            return schema;
        }

        schema.Validate(_default);
        return new Schema(_type, _optional, _default, _name, _version, _doc, schema.Parameters, _fields.ToList(), _keySchema, _valueSchema);
    }

    private static void Once(object? current, string what)
    {
        if (current is not null)
        {
            throw new DataException($"Invalid SchemaBuilder call: {what} has already been set.");
        }
    }
}
