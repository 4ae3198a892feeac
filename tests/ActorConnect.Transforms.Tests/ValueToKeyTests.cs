using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class ValueToKeyTests
{
    [Fact]
    public void Schemaless_key_is_a_map_of_the_fields()
    {
        var value = Map(("a", 1), ("b", 2), ("c", 3));

        var result = Configured<ValueToKey>(("fields", "a,b")).Apply(Value(null, value))!;

        Assert.Null(result.KeySchema);
        Assert.Equal(Map(("a", 1), ("b", 2)), (IDictionary<string, object?>)result.Key!);
        Assert.Same(value, result.Value);
    }

    [Fact]
    public void Struct_key_has_the_fields_and_their_schemas()
    {
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32Schema).Field("b", Schema.Int32Schema).Field("c", Schema.Int32Schema).Build();
        var value = new Struct(schema).Put("a", 1).Put("b", 2).Put("c", 3);

        var result = Configured<ValueToKey>(("fields", "a,b")).Apply(Source(null, null, schema, value))!;

        var expectedSchema = SchemaBuilder.Struct().Field("a", Schema.Int32Schema).Field("b", Schema.Int32Schema).Build();
        Assert.Equal(expectedSchema, result.KeySchema);
        Assert.Equal(new Struct(expectedSchema).Put("a", 1).Put("b", 2), result.Key);
    }

    [Fact]
    public void A_field_missing_from_the_value_schema_is_named()
    {
        var schema = SchemaBuilder.Struct().Field("a", Schema.Int32Schema).Build();

        var e = Assert.Throws<DataException>(() => Configured<ValueToKey>(("fields", "a,not_exist")).Apply(Value(schema, new Struct(schema).Put("a", 1))));

        Assert.Equal("Field does not exist: not_exist", e.Message);
    }

    [Fact]
    public void Fields_are_required()
    {
        Assert.Contains("\"fields\"", Assert.Throws<ConfigException>(() => Configured<ValueToKey>()).Message);
    }
}
