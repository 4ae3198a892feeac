using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;

namespace ActorConnect.Transforms.Support;

/// <summary>The shape checks every transform makes, with Kafka Connect's messages (they name the purpose and what was found).</summary>
internal static class Requirements
{
    public static Schema RequireSchema(Schema? schema, string purpose) =>
        schema ?? throw new DataException($"Schema required for [{purpose}]");

    public static IDictionary<string, object?> RequireMap(object? value, string purpose) =>
        value as IDictionary<string, object?>
        ?? throw new DataException($"Only Map objects supported in absence of schema for [{purpose}], found: {TypeName(value)}");

    public static IDictionary<string, object?>? RequireMapOrNull(object? value, string purpose) =>
        value is null ? null : RequireMap(value, purpose);

    public static Struct RequireStruct(object? value, string purpose) =>
        value as Struct ?? throw new DataException($"Only Struct objects supported for [{purpose}], found: {TypeName(value)}");

    public static Struct? RequireStructOrNull(object? value, string purpose) =>
        value is null ? null : RequireStruct(value, purpose);

    public static SinkRecord RequireSinkRecord(ConnectRecord record, string purpose) =>
        record as SinkRecord ?? throw new DataException($"Only SinkRecord supported for [{purpose}], found: {TypeName(record)}");

    public static string TypeName(object? value) => value?.GetType().FullName ?? "null";
}
