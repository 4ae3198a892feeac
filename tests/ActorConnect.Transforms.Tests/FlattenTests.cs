using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class FlattenTests
{
    private static Flatten Make(bool key, params (string, string)[] config) =>
        key ? Configured<FlattenKey>(config) : Configured<FlattenValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nested_structs_become_dotted_fields(bool key)
    {
        var supportedTypes = SchemaBuilder.Struct()
            .Field("int8", Schema.Int8Schema).Field("int32", Schema.Int32Schema).Field("float64", Schema.Float64Schema)
            .Field("boolean", Schema.BooleanSchema).Field("string", Schema.StringSchema).Field("bytes", Schema.BytesSchema).Build();
        var oneLevel = SchemaBuilder.Struct().Field("B", supportedTypes).Build();
        var twoLevel = SchemaBuilder.Struct().Field("A", oneLevel).Build();
        var inner = new Struct(supportedTypes).Put("int8", (sbyte)8).Put("int32", 32).Put("float64", 64d).Put("boolean", true)
            .Put("string", "stringy").Put("bytes", "bytes"u8.ToArray());
        var value = new Struct(twoLevel).Put("A", new Struct(oneLevel).Put("B", inner));

        var (schema, flat) = Side(Make(key).Apply(OnSide(key, twoLevel, value))!, key);

        Assert.Equal(["A.B.int8", "A.B.int32", "A.B.float64", "A.B.boolean", "A.B.string", "A.B.bytes"], schema!.Fields.Select(f => f.Name));
        var s = (Struct)flat!;
        Assert.Equal((sbyte)8, s.Get("A.B.int8"));
        Assert.Equal("stringy", s.Get("A.B.string"));
        Assert.Equal("bytes"u8.ToArray(), (byte[])s.Get("A.B.bytes")!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Nested_maps_become_delimited_keys(bool key)
    {
        var value = Map(("A", Map(("B", Map(("int32", 32), ("string", "stringy"), ("array", new List<object?> { 1 }))), ("x", null))));

        var (schema, flat) = Side(Make(key, ("delimiter", "#")).Apply(OnSide(key, null, value))!, key);

        Assert.Null(schema);
        var map = (IDictionary<string, object?>)flat!;
        Assert.Equal(32, map["A#B#int32"]);
        Assert.Equal("stringy", map["A#B#string"]);
        Assert.Equal(new List<object?> { 1 }, map["A#B#array"]);
        Assert.True(map.ContainsKey("A#x"));
        Assert.Null(map["A#x"]);
    }

    [Fact]
    public void A_field_under_an_optional_parent_becomes_optional()
    {
        var inner = SchemaBuilder.Struct().Optional().Field("req", Schema.Int32Schema).Build();
        var parent = SchemaBuilder.Struct().Field("inner", inner).Field("top", Schema.Int32Schema).Build();

        var result = Make(false).Apply(Value(parent, new Struct(parent).Put("top", 1)))!;

        Assert.True(result.ValueSchema!.Field("inner.req")!.Schema.IsOptional);
        Assert.False(result.ValueSchema.Field("top")!.Schema.IsOptional);
        Assert.Null(((Struct)result.Value!).Get("inner.req"));
        Assert.Equal(1, ((Struct)result.Value).Get("top"));
    }

    [Fact]
    public void Flat_values_with_null_fields_are_unchanged()
    {
        var schema = SchemaBuilder.Struct().Field("firstNull", Schema.OptionalStringSchema).Field("firstNonNull", Schema.OptionalStringSchema).Build();
        var value = new Struct(schema).Put("firstNonNull", "nonNull");
        var map = Map(("firstNull", null), ("firstNonNull", "nonNull"), ("thirdNull", null));

        Assert.Equal(value, Make(false).Apply(Value(schema, value))!.Value);
        Assert.Equal(map, (IDictionary<string, object?>)Make(false).Apply(Value(null, map))!.Value!);
    }

    [Fact]
    public void A_null_optional_nested_struct_gives_null_fields()
    {
        var inner = SchemaBuilder.Struct().Optional().Field("opt_int32", Schema.OptionalInt32Schema).Build();
        var schema = SchemaBuilder.Struct().Field("B", inner).Build();

        var result = Make(false).Apply(Value(schema, new Struct(schema).Put("B", null)))!;

        Assert.Null(((Struct)result.Value!).Get("B.opt_int32"));
    }

    [Fact]
    public void The_top_level_must_be_a_struct_or_a_map()
    {
        Assert.Equal("Only Struct objects supported for [flattening], found: System.Int32", Assert.Throws<DataException>(() => Make(false).Apply(Value(Schema.Int32Schema, 42))).Message);
        Assert.Equal("Only Map objects supported in absence of schema for [flattening], found: System.Int32", Assert.Throws<DataException>(() => Make(false).Apply(Value(null, 42))).Message);
    }

    [Fact]
    public void A_map_inside_a_struct_is_refused_naming_the_field()
    {
        var schema = SchemaBuilder.Struct().Field("m", SchemaBuilder.Map(Schema.StringSchema, Schema.StringSchema).Build()).Build();
        var value = new Struct(schema).Put("m", new Dictionary<string, object?>());

        var e = Assert.Throws<DataException>(() => Make(false).Apply(Value(schema, value)));

        Assert.Equal("Flatten transformation does not support MAP for record with schemas (for field m).", e.Message);
    }

    [Fact]
    public void A_schemaless_value_of_an_unknown_type_is_refused()
    {
        var e = Assert.Throws<DataException>(() => Make(false).Apply(Value(null, Map(("a", new object())))));

        Assert.StartsWith("Flatten transformation was passed a value of type System.Object", e.Message);
    }

    [Fact]
    public void A_tombstone_passes_unchanged()
    {
        var record = Value(null, null);

        Assert.Same(record, Make(false).Apply(record));
    }
}
