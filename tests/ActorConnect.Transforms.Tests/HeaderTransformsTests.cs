using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class HeaderTransformsTests
{
    private static readonly ConnectHeaders Existing = ConnectHeaders.Empty.AddString("existing", "existing-value");

    private static HeaderFrom MakeHeaderFrom(bool key, params (string, string)[] config) =>
        key ? Configured<HeaderFromKey>(config) : Configured<HeaderFromValue>(config);

    private static Api.Sink.SinkRecord WithHeaders(bool key, Schema? schema, object? value) =>
        key ? Sink(schema, value, null, null, headers: Existing) : Sink(null, null, schema, value, headers: Existing);

    [Theory]
    [InlineData(false, "copy")]
    [InlineData(true, "copy")]
    [InlineData(false, "move")]
    [InlineData(true, "move")]
    public void HeaderFrom_struct_fields_to_headers(bool key, string operation)
    {
        var schema = SchemaBuilder.Struct().Field("field1", Schema.StringSchema).Field("field2", Schema.Int32Schema).Field("field3", Schema.BooleanSchema).Build();
        var value = new Struct(schema).Put("field1", "a").Put("field2", 2).Put("field3", true);
        var transform = MakeHeaderFrom(key, ("fields", "field1,field2"), ("headers", "inserted1,inserted2"), ("operation", operation));

        var result = transform.Apply(WithHeaders(key, schema, value))!;

        Assert.Equal(["existing", "inserted1", "inserted2"], result.Headers.Select(h => h.Key));
        Assert.Equal(new Header("inserted1", Schema.StringSchema, "a"), result.Headers[1]);
        Assert.Equal(new Header("inserted2", Schema.Int32Schema, 2), result.Headers[2]);
        var (updatedSchema, updated) = Side(result, key);
        if (operation == "copy")
        {
            Assert.Same(value, updated);
        }
        else
        {
            Assert.Equal(["field3"], updatedSchema!.Fields.Select(f => f.Name));
            Assert.Equal(true, ((Struct)updated!).Get("field3"));
        }
    }

    [Theory]
    [InlineData("copy")]
    [InlineData("move")]
    public void HeaderFrom_map_fields_to_headers(string operation)
    {
        var transform = MakeHeaderFrom(false, ("fields", "field1"), ("headers", "inserted1"), ("operation", operation));

        var result = transform.Apply(WithHeaders(false, null, Map(("field1", "a"), ("field2", 2))))!;

        Assert.Equal(new Header("inserted1", null, "a"), result.Headers.LastWithName("inserted1"));
        Assert.Equal(operation == "copy" ? Map(("field1", "a"), ("field2", 2)) : Map(("field2", 2)), (IDictionary<string, object?>)result.Value!);
    }

    [Fact]
    public void HeaderFrom_config_errors_name_the_keys()
    {
        Assert.Equal("'fields' config must have the same number of elements as 'headers' config.",
            Assert.Throws<ConfigException>(() => MakeHeaderFrom(false, ("fields", "a,b"), ("headers", "h"), ("operation", "copy"))).Message);
        Assert.StartsWith("Invalid value cut for configuration operation",
            Assert.Throws<ConfigException>(() => MakeHeaderFrom(false, ("fields", "a"), ("headers", "h"), ("operation", "cut"))).Message);
        Assert.Equal("Invalid value [] for configuration headers: Empty list",
            Assert.Throws<ConfigException>(() => MakeHeaderFrom(false, ("fields", "a"), ("headers", ""), ("operation", "copy"))).Message);
    }

    [Theory]
    [InlineData("hello", SchemaType.String, "hello")]
    [InlineData("42", SchemaType.Int8, (sbyte)42)]
    [InlineData("70000", SchemaType.Int32, 70000)]
    [InlineData("true", SchemaType.Boolean, true)]
    [InlineData("1.5", SchemaType.Float32, 1.5f)]
    public void InsertHeader_types_the_literal(string literal, SchemaType type, object expected)
    {
        var transform = Configured<InsertHeader>(("header", "inserted"), ("value.literal", literal));

        var header = transform.Apply(Source(null, null, null, null, headers: Existing))!.Headers.LastWithName("inserted")!;

        Assert.Equal(type, header.Schema!.Type);
        Assert.Equal(expected, header.Value);
        Assert.Equal(2, transform.Apply(Sink(null, null, null, null, headers: Existing))!.Headers.Count);
    }

    [Fact]
    public void InsertHeader_needs_both_keys()
    {
        Assert.Equal("Missing required configuration \"value.literal\" which has no default value.",
            Assert.Throws<ConfigException>(() => Configured<InsertHeader>(("header", "h"))).Message);
    }

    [Fact]
    public void DropHeaders_removes_every_listed_header()
    {
        var headers = ConnectHeaders.Empty.AddString("a", "1").AddString("b", "2").AddString("a", "3").AddString("c", "4");

        var result = Configured<DropHeaders>(("headers", "a,c")).Apply(Sink(null, null, null, null, headers: headers))!;

        Assert.Equal([new Header("b", Schema.OptionalStringSchema, "2")], result.Headers);
        Assert.Equal("Invalid value [] for configuration headers: Empty list", Assert.Throws<ConfigException>(() => Configured<DropHeaders>(("headers", ""))).Message);
    }

    [Fact]
    public void Filter_drops_every_record()
    {
        var filter = Configured<Filter>();

        Assert.Null(filter.Apply(Sink(null, null, null, "x")));
        Assert.Null(filter.Apply(Source(null, null, null, "x")));
        Assert.Empty(filter.Config().Keys);
    }
}
