using System.Collections;
using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>The schema type of a schemaless value, as Kafka's ConnectSchema.schemaType infers it from the Java class.</summary>
internal static class ConnectTypes
{
    /// <summary>The type, or null for a class outside Connect's data API (logical values included, as in Kafka).</summary>
    public static SchemaType? Infer(object value) => value switch
    {
        sbyte => SchemaType.Int8,
        short => SchemaType.Int16,
        int => SchemaType.Int32,
        long => SchemaType.Int64,
        float => SchemaType.Float32,
        double => SchemaType.Float64,
        bool => SchemaType.Boolean,
        string => SchemaType.String,
        byte[] => SchemaType.Bytes,
        IDictionary => SchemaType.Map,
        IList => SchemaType.Array,
        Struct => SchemaType.Struct,
        _ => null,
    };

    /// <summary>True for the types Flatten copies as they are (primitives, bytes and arrays).</summary>
    public static bool IsLeaf(SchemaType type) => type is not (SchemaType.Map or SchemaType.Struct);
}
