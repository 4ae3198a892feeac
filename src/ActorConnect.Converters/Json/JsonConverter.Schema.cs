using System.Runtime.InteropServices;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>Kafka Connect's schema JSON and Connect schemas, both ways (<c>asConnectSchema</c>, <c>asJsonSchema</c>).</summary>
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

    /// <summary>Builds a schema from Kafka Connect schema JSON, as Kafka's <c>asConnectSchema</c>.</summary>
    private Schema ParseSchema(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type"u8, out var typeNode) || typeNode.ValueKind != JsonValueKind.String)
        {
            throw new DataException("Schema must contain 'type' field");
        }

        var typeName = typeNode.GetString();
        SchemaBuilder builder;
        switch (typeName)
        {
            case "boolean":
                builder = SchemaBuilder.Bool();
                break;
            case "int8":
                builder = SchemaBuilder.Int8();
                break;
            case "int16":
                builder = SchemaBuilder.Int16();
                break;
            case "int32":
                builder = SchemaBuilder.Int32();
                break;
            case "int64":
                builder = SchemaBuilder.Int64();
                break;
            case "float":
            case "float32":
                builder = SchemaBuilder.Float32();
                break;
            case "double":
            case "float64":
                builder = SchemaBuilder.Float64();
                break;
            case "bytes":
                builder = SchemaBuilder.Bytes();
                break;
            case "string":
                builder = SchemaBuilder.String();
                break;
            case "array":
                if (!json.TryGetProperty("items"u8, out var items) || items.ValueKind == JsonValueKind.Null)
                {
                    throw new DataException("Array schema did not specify the element type");
                }

                builder = SchemaBuilder.Array(ParseSchema(items));
                break;
            case "map":
                if (!json.TryGetProperty("keys"u8, out var keys) || keys.ValueKind == JsonValueKind.Null)
                {
                    throw new DataException("Map schema did not specify the key type");
                }

                if (!json.TryGetProperty("values"u8, out var values) || values.ValueKind == JsonValueKind.Null)
                {
                    throw new DataException("Map schema did not specify the value type");
                }

                builder = SchemaBuilder.Map(ParseSchema(keys), ParseSchema(values));
                break;
            case "struct":
                builder = SchemaBuilder.Struct();
                if (!json.TryGetProperty("fields"u8, out var fields) || fields.ValueKind != JsonValueKind.Array)
                {
                    throw new DataException("Struct schema's \"fields\" argument is not an array.");
                }

                foreach (var field in fields.EnumerateArray())
                {
                    if (field.ValueKind != JsonValueKind.Object || !field.TryGetProperty("field"u8, out var fieldName) || fieldName.ValueKind != JsonValueKind.String)
                    {
                        throw new DataException("Struct schema's field name not specified properly");
                    }

                    builder.Field(fieldName.GetString()!, ParseSchema(field));
                }

                break;
            default:
                throw new DataException($"Unknown schema type: {typeName}");
        }

        if (json.TryGetProperty("optional"u8, out var optional) && optional.ValueKind == JsonValueKind.True)
        {
            builder.Optional();
        }

        if (json.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String)
        {
            builder.Name(name.GetString()!);
        }

        if (json.TryGetProperty("version"u8, out var version) && version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var v))
        {
            builder.Version(v);
        }

        if (json.TryGetProperty("doc"u8, out var doc) && doc.ValueKind == JsonValueKind.String)
        {
            builder.Doc(doc.GetString()!);
        }

        if (json.TryGetProperty("parameters"u8, out var parameters) && parameters.ValueKind == JsonValueKind.Object)
        {
            foreach (var parameter in parameters.EnumerateObject())
            {
                if (parameter.Value.ValueKind != JsonValueKind.String)
                {
                    throw new DataException("Schema parameters must have string values.");
                }

                builder.Parameter(parameter.Name, parameter.Value.GetString()!);
            }
        }

        if (json.TryGetProperty("default"u8, out var defaultNode) && defaultNode.ValueKind != JsonValueKind.Null)
        {
            // The default is read with the schema built so far, as Kafka reads it with the builder.
            var withoutDefault = new SchemaCodec(builder.Build());
            var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(defaultNode), ReaderOptions);
            reader.Read();
            object? defaultValue;
            try
            {
                defaultValue = ReadValue(ref reader, withoutDefault, null);
            }
            catch (DataException e)
            {
                throw new DataException($"Invalid default value in {typeName} schema{(withoutDefault.Schema.Name is { } n ? $" {n}" : string.Empty)}: {e.Message}", e);
            }

            builder.DefaultValue(defaultValue);
        }

        return builder.Build();
    }
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
