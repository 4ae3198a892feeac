namespace ActorConnect.Api.Data;

/// <summary>A field of a struct schema: its name, position and schema.</summary>
/// <param name="Name">The field name, unique within its struct.</param>
/// <param name="Index">The position of the field in the struct.</param>
/// <param name="Schema">The schema of the field's value.</param>
public sealed record Field(string Name, int Index, Schema Schema);
