using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class InsertFieldTests
{
    private static readonly (string, string)[] AllFields =
    [
        ("topic.field", "topic_field!"), ("partition.field", "partition_field"), ("offset.field", "offset_field!"),
        ("timestamp.field", "timestamp_field?"), ("static.field", "instance_id"), ("static.value", "my-instance-id"),
    ];

    private static InsertField Make(bool key, params (string, string)[] config) =>
        key ? Configured<InsertFieldKey>(config) : Configured<InsertFieldValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Schemaless_map_gets_topic_partition_offset_timestamp_and_static_fields(bool key)
    {
        var result = Make(key, AllFields).Apply(OnSide(key, null, Map(("magic", 42L))))!;

        var (schema, value) = Side(result, key);
        Assert.Null(schema);
        Assert.Equal(Map(("magic", 42L), ("topic_field", "test"), ("partition_field", 0), ("offset_field", 42L),
            ("timestamp_field", Timestamp.ToUnixTimeMilliseconds()), ("instance_id", "my-instance-id")), (IDictionary<string, object?>)value!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Struct_gets_the_fields_with_required_and_optional_schemas(bool key)
    {
        var simple = SchemaBuilder.Struct().Name("name").Version(1).Doc("doc").Field("magic", Schema.OptionalInt64Schema).Build();
        var result = Make(key, AllFields).Apply(OnSide(key, simple, new Struct(simple).Put("magic", 42L)))!;

        var (schema, value) = Side(result, key);
        Assert.Equal("name", schema!.Name);
        Assert.Equal(1, schema.Version);
        Assert.Equal("doc", schema.Doc);
        Assert.Equal(Schema.OptionalInt64Schema, schema.Field("magic")!.Schema);
        Assert.Equal(Schema.StringSchema, schema.Field("topic_field")!.Schema);
        Assert.Equal(Schema.OptionalInt32Schema, schema.Field("partition_field")!.Schema);
        Assert.Equal(Schema.Int64Schema, schema.Field("offset_field")!.Schema);
        Assert.Equal(LogicalTypes.Timestamp().Optional().Build(), schema.Field("timestamp_field")!.Schema);
        Assert.Equal(Schema.OptionalStringSchema, schema.Field("instance_id")!.Schema);

        var s = (Struct)value!;
        Assert.Equal(42L, s.Get("magic"));
        Assert.Equal("test", s.Get("topic_field"));
        Assert.Equal(0, s.Get("partition_field"));
        Assert.Equal(42L, s.Get("offset_field"));
        Assert.Equal(Timestamp.UtcDateTime, s.Get("timestamp_field"));
        Assert.Equal("my-instance-id", s.Get("instance_id"));
    }

    [Fact]
    public void The_new_schema_is_built_once_per_input_schema()
    {
        var simple = SchemaBuilder.Struct().Field("magic", Schema.Int64Schema).Build();
        var transform = Make(false, ("static.field", "source"), ("static.value", "file"));

        var first = transform.Apply(Value(simple, new Struct(simple).Put("magic", 1L)))!;
        var second = transform.Apply(Value(simple, new Struct(simple).Put("magic", 2L)))!;

        Assert.Same(first.ValueSchema, second.ValueSchema);
    }

    [Fact]
    public void A_changed_input_schema_gets_its_own_new_schema_and_values()
    {
        var one = SchemaBuilder.Struct().Field("magic", Schema.Int64Schema).Build();
        var two = SchemaBuilder.Struct().Field("name", Schema.StringSchema).Field("magic", Schema.Int64Schema).Build();
        var transform = Make(false, ("topic.field", "topic"), ("static.field", "source"), ("static.value", "file"));

        var first = (Struct)transform.Apply(Value(one, new Struct(one).Put("magic", 1L)))!.Value!;
        var second = (Struct)transform.Apply(Value(two, new Struct(two).Put("name", "n").Put("magic", 2L)))!.Value!;

        Assert.Equal(["magic", "topic", "source"], first.Schema.Fields.Select(f => f.Name));
        Assert.Equal(["name", "magic", "topic", "source"], second.Schema.Fields.Select(f => f.Name));
        Assert.Equal(("n", 2L, "test", "file"), (second.Get("name"), second.Get("magic"), second.Get("topic"), second.Get("source")));
    }

    [Fact]
    public void Kafka_docs_example_static_field_on_a_source_record()
    {
        var transform = Make(false, ("static.field", "data_source"), ("static.value", "test-file-source"));
        var record = Source(null, null, null, Map(("line", "hello")));

        var result = transform.Apply(record)!;

        Assert.IsType<Api.Source.SourceRecord>(result);
        Assert.Equal(Map(("line", "hello"), ("data_source", "test-file-source")), (IDictionary<string, object?>)result.Value!);
    }

    [Fact]
    public void Offset_field_on_a_source_record_is_refused()
    {
        var e = Assert.Throws<DataException>(() => Make(false, ("offset.field", "offset")).Apply(Source(null, null, null, Map())));

        Assert.Equal("Only SinkRecord supported for [field insertion], found: ActorConnect.Api.Source.SourceRecord", e.Message);
    }

    [Fact]
    public void A_tombstone_passes_unchanged()
    {
        var record = Value(null, null);

        Assert.Same(record, Make(false, AllFields).Apply(record));
    }

    [Fact]
    public void A_value_that_is_neither_struct_nor_map_is_refused()
    {
        var e = Assert.Throws<DataException>(() => Make(false, AllFields).Apply(Value(null, "text")));

        Assert.Equal("Only Map objects supported in absence of schema for [field insertion], found: System.String", e.Message);
    }

    [Fact]
    public void Without_any_field_configuration_is_refused_naming_the_keys()
    {
        var e = Assert.Throws<ConfigException>(() => Make(false));

        Assert.Contains("No field insertion configured", e.Message);
        Assert.Contains("static.field", e.Message);
    }

    [Fact]
    public void A_static_field_without_value_is_refused_naming_static_value()
    {
        var e = Assert.Throws<ConfigException>(() => Make(false, ("static.field", "instance_id")));

        Assert.Equal("Invalid value null for configuration static.value: No value specified for static field: instance_id", e.Message);
    }

    [Fact]
    public void Replace_null_with_default_false_keeps_nulls()
    {
        var schema = SchemaBuilder.Struct().Field("opt", SchemaBuilder.Int32().Optional().DefaultValue(7).Build()).Build();
        var value = new Struct(schema);

        var withDefault = (Struct)Make(false, ("topic.field", "t")).Apply(Value(schema, value))!.Value!;
        var withoutDefault = (Struct)Make(false, ("topic.field", "t"), ("replace.null.with.default", "false")).Apply(Value(schema, value))!.Value!;

        Assert.Equal(7, withDefault.GetWithoutDefault("opt"));
        Assert.Null(withoutDefault.GetWithoutDefault("opt"));
    }
}
