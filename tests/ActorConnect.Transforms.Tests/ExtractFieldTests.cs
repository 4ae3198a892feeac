using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class ExtractFieldTests
{
    private static ExtractField Make(bool key, params (string, string)[] config) =>
        key ? Configured<ExtractFieldKey>(config) : Configured<ExtractFieldValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Schemaless_map_gives_the_field(bool key)
    {
        var (schema, value) = Side(Make(key, ("field", "magic")).Apply(OnSide(key, null, Map(("magic", 42))))!, key);

        Assert.Null(schema);
        Assert.Equal(42, value);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Struct_gives_the_field_and_its_schema(bool key)
    {
        var schema = SchemaBuilder.Struct().Field("magic", Schema.Int32Schema).Build();

        var (fieldSchema, value) = Side(Make(key, ("field", "magic")).Apply(OnSide(key, schema, new Struct(schema).Put("magic", 42)))!, key);

        Assert.Equal(Schema.Int32Schema, fieldSchema);
        Assert.Equal(42, value);
    }

    [Fact]
    public void Nested_paths_with_syntax_v2_on_structs_and_maps()
    {
        var inner = SchemaBuilder.Struct().Field("city", Schema.StringSchema).Build();
        var schema = SchemaBuilder.Struct().Field("address", inner).Field("a.b", Schema.Int32Schema).Build();
        var value = new Struct(schema).Put("address", new Struct(inner).Put("city", "Paris")).Put("a.b", 7);
        var map = Map(("address", Map(("city", "Lyon"))));

        var nested = Make(false, ("field", "address.city"), ("field.syntax.version", "V2"));
        var dotted = Make(false, ("field", "`a.b`"), ("field.syntax.version", "V2"));

        Assert.Equal("Paris", nested.Apply(Value(schema, value))!.Value);
        Assert.Equal(Schema.StringSchema, nested.Apply(Value(schema, value))!.ValueSchema);
        Assert.Equal("Lyon", nested.Apply(Value(null, map))!.Value);
        Assert.Equal(7, dotted.Apply(Value(schema, value))!.Value);
    }

    [Fact]
    public void With_v1_a_dotted_name_is_one_field()
    {
        Assert.Equal(1, Make(false, ("field", "a.b")).Apply(Value(null, Map(("a.b", 1))))!.Value);
    }

    [Fact]
    public void Nulls_pass_through_and_missing_map_fields_give_null()
    {
        var transform = Make(false, ("field", "magic"));
        var schema = SchemaBuilder.Struct().Optional().Field("magic", Schema.Int32Schema).Build();

        Assert.Null(transform.Apply(Value(null, null))!.Value);
        Assert.Null(transform.Apply(Value(null, Map(("other", 1))))!.Value);
        var fromNullStruct = transform.Apply(Value(schema, null))!;
        Assert.Null(fromNullStruct.Value);
        Assert.Equal(Schema.Int32Schema, fromNullStruct.ValueSchema);
    }

    [Fact]
    public void An_unknown_field_in_a_schema_is_named()
    {
        var schema = SchemaBuilder.Struct().Field("magic", Schema.Int32Schema).Build();

        var e = Assert.Throws<DataException>(() => Make(false, ("field", "nonexistent")).Apply(Value(schema, new Struct(schema).Put("magic", 1))));

        Assert.Equal("Unknown field: nonexistent", e.Message);
    }

    [Fact]
    public void A_bad_syntax_version_and_a_missing_field_are_refused_naming_the_key()
    {
        Assert.Contains("field.syntax.version", Assert.Throws<ConfigException>(() => Make(false, ("field", "a"), ("field.syntax.version", "V3"))).Message);
        Assert.Contains("\"field\"", Assert.Throws<ConfigException>(() => Make(false)).Message);
    }
}
