namespace ActorConnect.Api.Data;

/// <summary>A value with its schema, as converters return them; <see cref="Null"/> stands for a tombstone.</summary>
/// <param name="Schema">The schema, or null for schemaless data.</param>
/// <param name="Value">The value.</param>
public sealed record SchemaAndValue(Schema? Schema, object? Value)
{
    /// <summary>No schema and no value.</summary>
    public static readonly SchemaAndValue Null = new(null, null);
}
