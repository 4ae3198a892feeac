using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class HoistFieldTests
{
    private static HoistField Make(bool key, params (string, string)[] config) =>
        key ? Configured<HoistFieldKey>(config) : Configured<HoistFieldValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Schemaless_value_is_wrapped_in_a_map(bool key)
    {
        var (schema, value) = Side(Make(key, ("field", "magic")).Apply(OnSide(key, null, 42))!, key);

        Assert.Null(schema);
        Assert.Equal(Map(("magic", 42)), (IDictionary<string, object?>)value!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Value_with_schema_is_wrapped_in_a_struct(bool key)
    {
        var (schema, value) = Side(Make(key, ("field", "magic")).Apply(OnSide(key, Schema.Int32Schema, 42))!, key);

        Assert.Equal(SchemaBuilder.Struct().Field("magic", Schema.Int32Schema).Build(), schema);
        Assert.Equal(42, ((Struct)value!).Get("magic"));
    }

    [Fact]
    public void Kafka_docs_example_hoists_a_string_line()
    {
        var result = Make(false, ("field", "line")).Apply(Source(null, null, Schema.StringSchema, "hello world"))!;

        Assert.Equal("hello world", ((Struct)result.Value!).Get("line"));
    }

    [Fact]
    public void Field_is_required()
    {
        Assert.Equal("Missing required configuration \"field\" which has no default value.", Assert.Throws<ConfigException>(() => Make(false)).Message);
    }
}
