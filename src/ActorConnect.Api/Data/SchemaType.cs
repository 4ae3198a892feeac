namespace ActorConnect.Api.Data;

/// <summary>The physical types of Kafka Connect's data model. Logical types (Decimal, Date, Time, Timestamp) ride on these with a schema name.</summary>
public enum SchemaType
{
    /// <summary>8-bit signed integer (<see cref="sbyte"/>).</summary>
    Int8,
    /// <summary>16-bit signed integer (<see cref="short"/>).</summary>
    Int16,
    /// <summary>32-bit signed integer (<see cref="int"/>).</summary>
    Int32,
    /// <summary>64-bit signed integer (<see cref="long"/>).</summary>
    Int64,
    /// <summary>32-bit float (<see cref="float"/>).</summary>
    Float32,
    /// <summary>64-bit float (<see cref="double"/>).</summary>
    Float64,
    /// <summary>Boolean (<see cref="bool"/>).</summary>
    Boolean,
    /// <summary>UTF-8 string (<see cref="string"/>).</summary>
    String,
    /// <summary>Byte array (<see cref="byte"/>[]).</summary>
    Bytes,
    /// <summary>Ordered list of values of one schema (<see cref="System.Collections.IList"/>).</summary>
    Array,
    /// <summary>Map from key schema to value schema (<see cref="System.Collections.IDictionary"/>).</summary>
    Map,
    /// <summary>Named fields, each with its own schema (<see cref="Struct"/>).</summary>
    Struct,
}
