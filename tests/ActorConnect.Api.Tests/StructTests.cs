using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Tests;

public class StructTests
{
    private static readonly Schema Address = SchemaBuilder.Struct().Name("Address").Field("city", Schema.StringSchema).Build();

    private static readonly Schema Order = SchemaBuilder.Struct().Name("Order")
        .Field("id", Schema.Int64Schema)
        .Field("qty", Schema.Int32Schema)
        .Field("note", Schema.OptionalStringSchema)
        .Field("status", SchemaBuilder.String().DefaultValue("NEW").Build())
        .Field("tags", SchemaBuilder.Array(Schema.StringSchema).Optional().Build())
        .Field("address", Address)
        .Build();

    [Fact]
    public void Put_checks_the_type_and_names_the_field()
    {
        var e = Assert.Throws<DataException>(() => new Struct(Order).Put("qty", "three"));
        Assert.Contains("\"qty\"", e.Message);
        Assert.Contains("Int32", e.Message);
    }

    [Fact]
    public void Put_null_on_a_required_field_names_it()
    {
        var e = Assert.Throws<DataException>(() => new Struct(Order).Put("id", null));
        Assert.Equal("Invalid value: null used for required field for field \"id\", schema type: Int64", e.Message);
    }

    [Fact]
    public void Put_checks_array_elements_and_nested_structs()
    {
        var e = Assert.Throws<DataException>(() => new Struct(Order).Put("tags", new List<object?> { "a", 1 }));
        Assert.Contains("\"tags\"", e.Message);

        var other = SchemaBuilder.Struct().Name("Other").Field("city", Schema.StringSchema).Build();
        var mismatch = Assert.Throws<DataException>(() => new Struct(Order).Put("address", new Struct(other).Put("city", "x")));
        Assert.Contains("Struct schemas do not match", mismatch.Message);
        Assert.Contains("\"address\"", mismatch.Message);
    }

    [Fact]
    public void Unknown_field_names_are_rejected()
    {
        var e = Assert.Throws<DataException>(() => new Struct(Order).Put("nope", 1));
        Assert.Equal("nope is not a valid field name", e.Message);
        Assert.Throws<DataException>(() => new Struct(Order).Get("nope"));
    }

    [Fact]
    public void Validate_requires_required_fields_and_names_the_missing_one()
    {
        var s = new Struct(Order).Put("id", 1L).Put("address", new Struct(Address).Put("city", "Oslo"));
        var e = Assert.Throws<DataException>(s.Validate);
        Assert.Contains("\"qty\"", e.Message);

        s.Put("qty", 2);
        s.Validate(); // status has a default, note and tags are optional
    }

    [Fact]
    public void Nested_structs_are_validated_when_put()
    {
        // As in Kafka Connect, putting a struct validates it whole: fill nested structs before putting them.
        var e = Assert.Throws<DataException>(() => new Struct(Order).Put("address", new Struct(Address)));
        Assert.Contains("\"city\"", e.Message);
    }

    [Fact]
    public void Get_applies_the_default_and_GetWithoutDefault_does_not()
    {
        var s = new Struct(Order);
        Assert.Equal("NEW", s.Get("status"));
        Assert.Null(s.GetWithoutDefault("status"));
        Assert.Equal("NEW", s.Get<string>("status"));
        Assert.Equal(0, s.Get<int>("qty"));
    }

    [Fact]
    public void Structs_compare_by_content()
    {
        var bytesSchema = SchemaBuilder.Struct().Field("b", Schema.BytesSchema).Field("m", SchemaBuilder.Map(Schema.StringSchema, Schema.Int32Schema).Build()).Build();
        var a = new Struct(bytesSchema).Put("b", new byte[] { 1, 2 }).Put("m", new Dictionary<string, object?> { ["x"] = 1 });
        var b = new Struct(bytesSchema).Put("b", new byte[] { 1, 2 }).Put("m", new Dictionary<string, object?> { ["x"] = 1 });
        var c = new Struct(bytesSchema).Put("b", new byte[] { 1, 3 }).Put("m", new Dictionary<string, object?> { ["x"] = 1 });

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.True(Struct.ValueEquals(new List<object?> { 1, null }, new List<object?> { 1, null }));
        Assert.False(Struct.ValueEquals(new List<object?> { 1 }, new List<object?> { 1, 2 }));
        Assert.StartsWith("Struct{b=AQI=,m=", a.ToString());
    }

    [Fact]
    public void Only_struct_schemas_make_structs()
    {
        Assert.Throws<DataException>(() => new Struct(Schema.StringSchema));
    }

    [Fact]
    public void Logical_values_fit_their_schemas()
    {
        var schema = SchemaBuilder.Struct()
            .Field("amount", LogicalTypes.Decimal(2).Build())
            .Field("day", LogicalTypes.Date().Build())
            .Field("at", LogicalTypes.Timestamp().Build())
            .Build();

        var s = new Struct(schema).Put("amount", 5.00m).Put("day", new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc)).Put("at", DateTime.UtcNow);
        s.Validate();
        Assert.Throws<DataException>(() => s.Put("amount", 5.0));
    }
}
