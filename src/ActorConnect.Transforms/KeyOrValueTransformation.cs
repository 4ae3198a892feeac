using ActorConnect.Api.Data;

namespace ActorConnect.Transforms;

/// <summary>
/// A transform with Kafka's <c>$Key</c> and <c>$Value</c> variants: the same work on the record's key or on its
/// value. The variants only say which side they operate on.
/// </summary>
public abstract class KeyOrValueTransformation : Transformation
{
    /// <summary>True for the <c>$Key</c> variant.</summary>
    protected abstract bool OperatesOnKey { get; }

    /// <summary>The schema of the side operated on.</summary>
    protected Schema? OperatingSchema(ConnectRecord record) => OperatesOnKey ? record.KeySchema : record.ValueSchema;

    /// <summary>The side operated on.</summary>
    protected object? OperatingValue(ConnectRecord record) => OperatesOnKey ? record.Key : record.Value;

    /// <summary>A copy of the record with the side operated on replaced.</summary>
    protected ConnectRecord NewRecord(ConnectRecord record, Schema? schema, object? value) =>
        OperatesOnKey ? record with { KeySchema = schema, Key = value } : record with { ValueSchema = schema, Value = value };
}
