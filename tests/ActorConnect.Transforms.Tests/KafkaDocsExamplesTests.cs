using ActorConnect.Api.Data;
using ActorConnect.Transforms.Predicates;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

/// <summary>The examples of Kafka's Connect documentation ("Transformations"), run as its configs write them.</summary>
public class KafkaDocsExamplesTests
{
    // transforms=MakeMap,InsertSource on the file source: each line becomes a record with the line and where it came from.
    private static ConnectRecord? MakeMapThenInsertSource(ConnectRecord record)
    {
        var makeMap = Configured<HoistFieldValue>(("field", "line"));
        var insertSource = Configured<InsertFieldValue>(("static.field", "data_source"), ("static.value", "test-file-source"));
        return insertSource.Apply(makeMap.Apply(record)!);
    }

    [Fact]
    public void Hoist_then_insert_on_schemaless_lines()
    {
        var result = MakeMapThenInsertSource(Source(null, null, null, "foo"))!;

        Assert.Equal(Map(("line", "foo"), ("data_source", "test-file-source")), (IDictionary<string, object?>)result.Value!);
    }

    [Fact]
    public void Hoist_then_insert_on_string_lines_with_a_schema()
    {
        var result = MakeMapThenInsertSource(Source(null, null, Schema.StringSchema, "foo"))!;

        var expectedSchema = SchemaBuilder.Struct().Field("line", Schema.StringSchema).Field("data_source", Schema.OptionalStringSchema).Build();
        Assert.Equal(expectedSchema, result.ValueSchema);
        Assert.Equal(new Struct(expectedSchema).Put("line", "foo").Put("data_source", "test-file-source"), result.Value);
    }

    // transforms=Filter, transforms.Filter.predicate=IsFoo, predicates.IsFoo.type=...TopicNameMatches, pattern=foo:
    // the runtime applies the transform where the predicate holds (or, with negate=true, where it does not).
    [Theory]
    [InlineData("foo", false, true)]
    [InlineData("bar", false, false)]
    [InlineData("foo", true, false)]
    [InlineData("bar", true, true)]
    public void Filter_with_a_topic_predicate_drops_what_matches(string topic, bool negate, bool dropped)
    {
        var filter = Configured<Filter>();
        var isFoo = ConfiguredPredicate<TopicNameMatches>(("pattern", "foo"));
        var record = Sink(null, null, null, "value", topic: topic);

        var result = isFoo.Test(record) != negate ? filter.Apply(record) : record;

        Assert.Equal(dropped, result is null);
    }

    [Fact]
    public void Tombstones_kept_apart_with_RecordIsTombstone_and_negate()
    {
        var extract = Configured<ExtractFieldValue>(("field", "after"));
        var isTombstone = ConfiguredPredicate<RecordIsTombstone>();
        var records = new[] { Sink(null, null, null, Map(("after", 1))), Sink(null, null, null, null) };

        var values = records.Select(r => !isTombstone.Test(r) ? extract.Apply(r)!.Value : r.Value);

        Assert.Equal([1, null], values);
    }
}
