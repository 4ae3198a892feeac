using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Data;

/// <summary>
/// A value of a struct schema: one slot per field, checked against the field's schema on <see cref="Put(string, object?)"/>.
/// Mutable while a connector fills it, as in Kafka Connect; call <see cref="Validate"/> before handing it on.
/// </summary>
public sealed class Struct : IEquatable<Struct>
{
    private readonly object?[] _values;

    /// <summary>Creates an empty struct of the given struct schema.</summary>
    public Struct(Schema schema)
    {
        if (schema.Type != SchemaType.Struct)
        {
            throw new DataException($"Not a struct schema: {schema}");
        }

        Schema = schema;
        _values = new object?[schema.Fields.Count];
    }

    /// <summary>The struct's schema.</summary>
    public Schema Schema { get; }

    /// <summary>Sets a field by name, checking the value against the field's schema.</summary>
    public Struct Put(string fieldName, object? value) => Put(Lookup(fieldName), value);

    /// <summary>Sets a field, checking the value against the field's schema.</summary>
    public Struct Put(Field field, object? value)
    {
        field.Schema.Validate(value, field.Name);
        _values[field.Index] = value;
        return this;
    }

    /// <summary>The field's value, or its schema default when unset.</summary>
    public object? Get(string fieldName) => Get(Lookup(fieldName));

    /// <summary>The field's value, or its schema default when unset.</summary>
    public object? Get(Field field) => _values[field.Index] ?? field.Schema.DefaultValue;

    /// <summary>The field's raw value, without applying the default.</summary>
    public object? GetWithoutDefault(string fieldName) => _values[Lookup(fieldName).Index];

    /// <summary>Typed access to a field's value.</summary>
    public T? Get<T>(string fieldName) => Get(fieldName) is T t ? t : default;

    /// <summary>Checks every field against its schema (required fields set).</summary>
    public void Validate()
    {
        // By index: a foreach over the IReadOnlyList boxes its enumerator, once per struct of every record.
        var fields = Schema.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            f.Schema.Validate(_values[f.Index] ?? f.Schema.DefaultValue, f.Name);
        }
    }

    /// <inheritdoc />
    public bool Equals(Struct? other) =>
        other is not null && Schema.Equals(other.Schema) && _values.Zip(other._values).All(p => ValueEquals(p.First, p.Second));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Struct);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Schema, _values.Length);

    /// <inheritdoc />
    public override string ToString() =>
        "Struct{" + string.Join(",", Schema.Fields.Where(f => _values[f.Index] is not null).Select(f => $"{f.Name}={Format(_values[f.Index])}")) + "}";

    /// <summary>Deep equality used for struct fields: byte arrays, lists and maps compare by content.</summary>
    public static bool ValueEquals(object? a, object? b)
    {
        switch (a, b)
        {
            case (null, null):
                return true;
            case (null, _) or (_, null):
                return false;
            case (byte[] x, byte[] y):
                return x.AsSpan().SequenceEqual(y);
            case (System.Collections.IDictionary x, System.Collections.IDictionary y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                foreach (System.Collections.DictionaryEntry e in x)
                {
                    if (!y.Contains(e.Key) || !ValueEquals(e.Value, y[e.Key]))
                    {
                        return false;
                    }
                }

                return true;
            case (System.Collections.IList x, System.Collections.IList y):
                if (x.Count != y.Count)
                {
                    return false;
                }

                for (var i = 0; i < x.Count; i++)
                {
                    if (!ValueEquals(x[i], y[i]))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return a.Equals(b);
        }
    }

    private static string Format(object? v) => v is byte[] b ? Convert.ToBase64String(b) : v?.ToString() ?? "null";

    private Field Lookup(string fieldName) =>
        Schema.Field(fieldName) ?? throw new DataException($"{fieldName} is not a valid field name");
}
