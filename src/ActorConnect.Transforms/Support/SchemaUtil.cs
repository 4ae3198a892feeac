using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>Schema and struct copying shared by the transforms that rebuild a schema.</summary>
internal static class SchemaUtil
{
    /// <summary>Copies name, version, doc and parameters onto <paramref name="builder"/>, as Kafka's SchemaUtil does.</summary>
    public static SchemaBuilder CopySchemaBasics(Schema source, SchemaBuilder builder)
    {
        if (source.Name is { } name)
        {
            builder.Name(name);
        }

        if (source.Version is { } version)
        {
            builder.Version(version);
        }

        if (source.Doc is { } doc)
        {
            builder.Doc(doc);
        }

        foreach (var (key, value) in source.Parameters)
        {
            builder.Parameter(key, value);
        }

        return builder;
    }

    /// <summary>A builder of the same type as <paramref name="source"/> with its basics copied (not optional, no default).</summary>
    public static SchemaBuilder CopySchemaBasics(Schema source) => CopySchemaBasics(source, source.Type switch
    {
        SchemaType.Array => SchemaBuilder.Array(source.ValueSchema!),
        SchemaType.Map => SchemaBuilder.Map(source.KeySchema!, source.ValueSchema!),
        var type => SchemaBuilder.Type(type),
    });

    /// <summary>A schema equal to <paramref name="source"/> but for name and version.</summary>
    public static Schema WithMetadata(Schema source, string? name, int? version) =>
        new(source.Type, source.IsOptional, source.DefaultValue, name ?? source.Name, version ?? source.Version, source.Doc,
            source.Parameters, source.Type == SchemaType.Struct ? source.Fields : null, source.KeySchema, source.ValueSchema);

    /// <summary>
    /// A field's value: with <paramref name="withDefault"/> (Kafka's <c>replace.null.with.default=true</c>) a null
    /// becomes the field's default, otherwise the null is kept.
    /// </summary>
    public static object? FieldValue(Struct value, Field field, bool withDefault) =>
        withDefault ? value.Get(field) : value.GetWithoutDefault(field.Name);
}
