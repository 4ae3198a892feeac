using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Tests;

public class SchemaBuilderTests
{
    [Fact]
    public void Builds_a_struct_with_every_attribute()
    {
        var schema = SchemaBuilder.Struct().Name("com.acme.Order").Version(3).Doc("An order").Parameter("p", "v").Optional()
            .Field("id", Schema.Int64Schema)
            .Field("note", Schema.OptionalStringSchema)
            .Build();

        Assert.Equal(SchemaType.Struct, schema.Type);
        Assert.Equal("com.acme.Order", schema.Name);
        Assert.Equal(3, schema.Version);
        Assert.Equal("An order", schema.Doc);
        Assert.True(schema.IsOptional);
        Assert.Equal("v", schema.Parameters["p"]);
        Assert.Equal(new[] { "id", "note" }, schema.Fields.Select(f => f.Name));
        Assert.Equal(new[] { 0, 1 }, schema.Fields.Select(f => f.Index));
        Assert.Same(Schema.Int64Schema, schema.Field("id")!.Schema);
        Assert.Null(schema.Field("missing"));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("version")]
    [InlineData("doc")]
    [InlineData("default")]
    public void Each_attribute_may_be_set_once(string attribute)
    {
        var builder = SchemaBuilder.Int32();
        Action set = attribute switch
        {
            "name" => () => builder.Name("a"),
            "version" => () => builder.Version(1),
            "doc" => () => builder.Doc("d"),
            _ => () => builder.DefaultValue(1),
        };
        set();

        var e = Assert.Throws<DataException>(set);
        Assert.Equal($"Invalid SchemaBuilder call: {attribute} has already been set.", e.Message);
    }

    [Fact]
    public void Optional_and_required_may_be_toggled()
    {
        Assert.True(SchemaBuilder.String().Required().Optional().Build().IsOptional);
        Assert.False(SchemaBuilder.String().Optional().Required().Build().IsOptional);
    }

    [Fact]
    public void Duplicate_field_names_are_rejected()
    {
        var builder = SchemaBuilder.Struct().Field("id", Schema.Int32Schema);
        var e = Assert.Throws<DataException>(() => builder.Field("id", Schema.StringSchema));
        Assert.Equal("Cannot create field because of field name duplication id", e.Message);
    }

    [Fact]
    public void Fields_only_on_structs()
    {
        var e = Assert.Throws<DataException>(() => SchemaBuilder.Int32().Field("x", Schema.Int32Schema));
        Assert.Contains("'x'", e.Message);
        Assert.Throws<DataException>(() => Schema.Int32Schema.Fields);
        Assert.Throws<DataException>(() => Schema.Int32Schema.Field("x"));
    }

    [Fact]
    public void Array_and_map_need_their_own_factories()
    {
        Assert.Throws<DataException>(() => SchemaBuilder.Type(SchemaType.Array));
        Assert.Throws<DataException>(() => SchemaBuilder.Type(SchemaType.Map));
        Assert.Throws<ArgumentNullException>(() => SchemaBuilder.Array(null!));
        Assert.Equal(SchemaType.Boolean, SchemaBuilder.Type(SchemaType.Boolean).Build().Type);
    }

    [Fact]
    public void Default_must_fit_the_schema()
    {
        Assert.Throws<DataException>(() => SchemaBuilder.Int32().DefaultValue("five").Build());
        Assert.Throws<DataException>(() => SchemaBuilder.Int64().DefaultValue(5).Build());
        Assert.Equal(5, SchemaBuilder.Int32().DefaultValue(5).Build().DefaultValue);
    }

    [Fact]
    public void Equal_builds_are_equal_and_hash_alike()
    {
        Schema Build() => SchemaBuilder.Struct().Name("n").Field("a", SchemaBuilder.Array(Schema.StringSchema).Optional().Build())
            .Field("m", SchemaBuilder.Map(Schema.StringSchema, Schema.Int32Schema).Build()).Build();

        Assert.Equal(Build(), Build());
        Assert.Equal(Build().GetHashCode(), Build().GetHashCode());
        Assert.NotEqual(Build(), SchemaBuilder.Struct().Name("other").Build());
        Assert.NotEqual(Schema.Int32Schema, Schema.OptionalInt32Schema);
        Assert.NotEqual(SchemaBuilder.String().Parameter("a", "1").Build(), SchemaBuilder.String().Parameter("a", "2").Build());
    }

    [Fact]
    public void Schemas_with_equal_collection_defaults_are_equal()
    {
        // Kafka compares defaults with Objects.deepEquals: equal byte[] and list defaults make equal schemas.
        Assert.Equal(SchemaBuilder.Bytes().DefaultValue(new byte[] { 1, 2 }).Build(), SchemaBuilder.Bytes().DefaultValue(new byte[] { 1, 2 }).Build());
        Assert.Equal(
            SchemaBuilder.Array(Schema.Int32Schema).DefaultValue(new List<object?> { 1 }).Build(),
            SchemaBuilder.Array(Schema.Int32Schema).DefaultValue(new List<object?> { 1 }).Build());
        Assert.NotEqual(SchemaBuilder.Bytes().DefaultValue(new byte[] { 1 }).Build(), SchemaBuilder.Bytes().DefaultValue(new byte[] { 2 }).Build());
    }

    [Fact]
    public void Logical_type_builders_use_Kafka_names()
    {
        var dec = LogicalTypes.Decimal(2).Build();
        Assert.Equal(SchemaType.Bytes, dec.Type);
        Assert.Equal("org.apache.kafka.connect.data.Decimal", dec.Name);
        Assert.Equal(1, dec.Version);
        Assert.Equal("2", dec.Parameters["scale"]);
        Assert.Equal("org.apache.kafka.connect.data.Date", LogicalTypes.Date().Build().Name);
        Assert.Equal(SchemaType.Int32, LogicalTypes.Time().Build().Type);
        Assert.Equal(SchemaType.Int64, LogicalTypes.Timestamp().Build().Type);
        Assert.True(LogicalTypes.IsTimestamp(LogicalTypes.Timestamp().Build()));
        Assert.False(LogicalTypes.IsDate(Schema.Int32Schema));
    }
}
