using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class SetSchemaMetadataTests
{
    private static SetSchemaMetadata Make(bool key, params (string, string)[] config) =>
        key ? Configured<SetSchemaMetadataKey>(config) : Configured<SetSchemaMetadataValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Name_and_version_are_set_and_a_struct_is_remade_on_the_new_schema(bool key)
    {
        var schema = SchemaBuilder.Struct().Name("old").Field("a", Schema.Int32Schema).Build();

        var (updatedSchema, value) = Side(Make(key, ("schema.name", "foo"), ("schema.version", "42")).Apply(OnSide(key, schema, new Struct(schema).Put("a", 1)))!, key);

        Assert.Equal("foo", updatedSchema!.Name);
        Assert.Equal(42, updatedSchema.Version);
        Assert.Same(updatedSchema, ((Struct)value!).Schema);
        Assert.Equal(1, ((Struct)value).Get("a"));
    }

    [Fact]
    public void Only_the_version_keeps_the_name()
    {
        var schema = SchemaBuilder.String().Name("keep").Build();

        var result = Make(false, ("schema.version", "3")).Apply(Value(schema, "text"))!;

        Assert.Equal("keep", result.ValueSchema!.Name);
        Assert.Equal(3, result.ValueSchema.Version);
        Assert.Equal("text", result.Value);
    }

    [Fact]
    public void Schemaless_data_is_refused_and_a_tombstone_without_schema_passes()
    {
        var transform = Make(false, ("schema.name", "foo"));
        var tombstone = Value(null, null);

        Assert.Equal("Schema required for [updating schema metadata]", Assert.Throws<DataException>(() => transform.Apply(Value(null, Map()))).Message);
        Assert.Same(tombstone, transform.Apply(tombstone));
    }

    [Fact]
    public void Neither_name_nor_version_is_refused_naming_both_keys()
    {
        var e = Assert.Throws<ConfigException>(() => Make(false));

        Assert.Contains("schema.name", e.Message);
        Assert.Contains("schema.version", e.Message);
    }

    [Fact]
    public void A_version_that_is_not_a_number_is_refused()
    {
        Assert.Contains("schema.version", Assert.Throws<ConfigException>(() => Make(false, ("schema.version", "x"))).Message);
    }
}
