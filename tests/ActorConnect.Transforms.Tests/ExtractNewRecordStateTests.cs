using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

/// <summary>
/// Debezium's ExtractNewRecordState on records shaped as the PostgreSQL CDC connector emits them (its schema names,
/// source block and tombstones; the end-to-end replica test runs it on the connector's real records).
/// </summary>
public class ExtractNewRecordStateTests
{
    private const string Topic = "srv.public.orders";

    private static readonly Schema KeySchema = SchemaBuilder.Struct().Name(Topic + ".Key").Field("id", Schema.Int32Schema).Build();

    private static readonly Schema RowSchema = SchemaBuilder.Struct().Name(Topic + ".Value").Optional()
        .Field("id", Schema.Int32Schema).Field("item", Schema.OptionalStringSchema).Field("shop", Schema.OptionalStringSchema).Build();

    private static readonly Schema SourceSchema = SchemaBuilder.Struct().Name("io.debezium.connector.postgresql.Source").Version(1)
        .Field("version", Schema.StringSchema).Field("connector", Schema.StringSchema).Field("name", Schema.StringSchema)
        .Field("ts_ms", Schema.Int64Schema).Field("db", Schema.StringSchema).Field("schema", Schema.StringSchema)
        .Field("table", Schema.StringSchema).Field("txId", Schema.OptionalInt64Schema).Field("lsn", Schema.OptionalInt64Schema).Build();

    private static readonly Schema TransactionSchema = SchemaBuilder.Struct().Name("event.block").Version(1).Optional()
        .Field("id", Schema.StringSchema).Field("total_order", Schema.Int64Schema).Field("data_collection_order", Schema.Int64Schema).Build();

    private static readonly Schema EnvelopeSchema = SchemaBuilder.Struct().Name(Topic + ".Envelope")
        .Field("before", RowSchema).Field("after", RowSchema).Field("source", SourceSchema).Field("op", Schema.StringSchema)
        .Field("ts_ms", Schema.OptionalInt64Schema).Field("transaction", TransactionSchema).Build();

    private static Struct Row(int id, string item, string? shop = null) => new Struct(RowSchema).Put("id", id).Put("item", item).Put("shop", shop);

    private static SinkRecord Change(string op, Struct? before, Struct? after)
    {
        var source = new Struct(SourceSchema).Put("version", "1").Put("connector", "postgresql").Put("name", "srv").Put("ts_ms", 1_700_000_000_123L)
            .Put("db", "shop").Put("schema", "public").Put("table", "orders").Put("txId", 771L).Put("lsn", 24_023_128L);
        var envelope = new Struct(EnvelopeSchema).Put("before", before).Put("after", after).Put("source", source).Put("op", op).Put("ts_ms", 1_700_000_000_456L);
        return Sink(KeySchema, new Struct(KeySchema).Put("id", (before ?? after)?.Get("id") ?? 0), EnvelopeSchema, envelope, Topic);
    }

    private static SinkRecord Delete(int id) => Change("d", Row(id, "old"), null);

    private static SinkRecord Tombstone(int id) => Sink(KeySchema, new Struct(KeySchema).Put("id", id), null, null, Topic);

    private static ExtractNewRecordState Make(params (string, string)[] config) => Configured<ExtractNewRecordState>(config);

    [Fact]
    public void A_create_or_update_becomes_its_after_row_with_the_row_schema_and_the_same_key()
    {
        var smt = Make();

        var created = smt.Apply(Change("c", null, Row(1, "pen")))!;
        var updated = smt.Apply(Change("u", Row(1, "pen"), Row(1, "ink")))!;

        Assert.Equal(RowSchema, created.ValueSchema);
        Assert.Equal(Row(1, "pen"), created.Value);
        Assert.Equal(Row(1, "ink"), updated.Value);
        Assert.Equal(new Struct(KeySchema).Put("id", 1), updated.Key);
        Assert.Equal(Topic, updated.Topic);
    }

    [Fact]
    public void Without_delete_tombstone_handling_mode_the_deprecated_defaults_drop_deletes_and_tombstones()
    {
        var smt = Make();

        Assert.Null(smt.Apply(Delete(1)));
        Assert.Null(smt.Apply(Tombstone(1)));
    }

    [Fact]
    public void Delete_handling_mode_none_with_drop_tombstones_false_passes_a_null_row_and_the_tombstone()
    {
        var smt = Make(("delete.handling.mode", "none"), ("drop.tombstones", "false"));

        var deleted = smt.Apply(Delete(1))!;
        var tombstone = smt.Apply(Tombstone(1))!;

        Assert.Equal(RowSchema, deleted.ValueSchema);
        Assert.Null(deleted.Value);
        Assert.Equal(new Struct(KeySchema).Put("id", 1), deleted.Key);
        Assert.Null(tombstone.Value);
    }

    [Fact]
    public void Delete_handling_mode_rewrite_marks_every_row_with_deleted()
    {
        var smt = Make(("delete.handling.mode", "rewrite"));

        var created = (Struct)smt.Apply(Change("c", null, Row(1, "pen")))!.Value!;
        var deleted = (Struct)smt.Apply(Delete(1))!.Value!;

        Assert.Equal("false", created.Get("__deleted"));
        Assert.Equal("true", deleted.Get("__deleted"));
        Assert.Equal("old", deleted.Get("item"));
        Assert.Equal(Schema.OptionalStringSchema, deleted.Schema.Field("__deleted")!.Schema);
        Assert.Null(smt.Apply(Tombstone(1)));
    }

    // mode, what a delete becomes (dropped | null-row | tombstone | rewritten), whether Debezium's tombstone stays.
    [Theory]
    [InlineData("drop", "dropped", false)]
    [InlineData("tombstone", "null-row", false)]
    [InlineData("rewrite", "rewritten", false)]
    [InlineData("rewrite-with-tombstone", "rewritten", true)]
    [InlineData("delete-to-tombstone", "tombstone", false)]
    [InlineData("TOMBSTONE", "null-row", false)]
    public void Each_delete_tombstone_handling_mode_does_what_debezium_documents(string mode, string delete, bool keepsTombstone)
    {
        // The new key wins over the deprecated ones.
        var smt = Make(("delete.tombstone.handling.mode", mode), ("delete.handling.mode", "none"), ("drop.tombstones", "false"));

        var deleted = smt.Apply(Delete(7));
        var tombstone = smt.Apply(Tombstone(7));

        var outcome = deleted switch
        {
            null => "dropped",
            { ValueSchema: null, Value: null } => "tombstone",
            { Value: null } => "null-row",
            { Value: Struct row } when row.Get("__deleted") as string == "true" && (int)row.Get("id")! == 7 => "rewritten",
            _ => "unexpected",
        };
        Assert.Equal(delete, outcome);
        Assert.Equal(keepsTombstone, tombstone is not null);
        if (deleted is not null)
        {
            Assert.Equal(new Struct(KeySchema).Put("id", 7), deleted.Key);
        }
    }

    [Fact]
    public void Add_fields_copies_envelope_and_source_fields_under_the_prefix_with_optional_schemas()
    {
        var smt = Make(("add.fields", "op,table,lsn,source.ts_ms,ts_ms,id,db:database"), ("delete.tombstone.handling.mode", "rewrite"));

        var row = (Struct)smt.Apply(Change("u", Row(1, "pen"), Row(1, "ink")))!.Value!;
        var deleted = (Struct)smt.Apply(Delete(1))!.Value!;

        Assert.Equal("u", row.Get("__op"));
        Assert.Equal("orders", row.Get("__table"));
        Assert.Equal(24_023_128L, row.Get("__lsn"));
        Assert.Equal(1_700_000_000_123L, row.Get("__source_ts_ms"));
        Assert.Equal(1_700_000_000_456L, row.Get("__ts_ms"));
        Assert.Equal("shop", row.Get("__database"));
        Assert.Null(row.Get("__id"));
        Assert.Equal(Schema.OptionalInt64Schema, row.Schema.Field("__lsn")!.Schema);
        Assert.Equal(Schema.OptionalStringSchema, row.Schema.Field("__op")!.Schema);
        Assert.Equal(["id", "item", "shop", "__deleted", "__op", "__table", "__lsn", "__source_ts_ms", "__ts_ms", "__id", "__database"], row.Schema.Fields.Select(f => f.Name));
        Assert.Equal("d", deleted.Get("__op"));
        Assert.Equal("true", deleted.Get("__deleted"));
    }

    [Fact]
    public void Add_fields_prefix_replaces_the_double_underscore()
    {
        var row = (Struct)Make(("add.fields", "op,source.ts_ms"), ("add.fields.prefix", "cdc_")).Apply(Change("c", null, Row(1, "pen")))!.Value!;

        Assert.Equal("c", row.Get("cdc_op"));
        Assert.Equal(1_700_000_000_123L, row.Get("cdc_source_ts_ms"));
    }

    [Fact]
    public void Add_headers_puts_envelope_fields_in_headers_and_a_tombstone_gets_op_d()
    {
        var smt = Make(("add.headers", "op,source.ts_ms,table"), ("add.headers.prefix", "dbz."), ("delete.tombstone.handling.mode", "rewrite-with-tombstone"));

        var updated = smt.Apply(Change("u", Row(1, "pen"), Row(1, "ink")))!;
        var tombstone = smt.Apply(Tombstone(1))!;

        Assert.Equal("u", updated.Headers.LastWithName("dbz.op")!.Value);
        Assert.Equal(1_700_000_000_123L, updated.Headers.LastWithName("dbz.source_ts_ms")!.Value);
        Assert.Equal(Schema.OptionalInt64Schema, updated.Headers.LastWithName("dbz.source_ts_ms")!.Schema);
        Assert.Equal("orders", updated.Headers.LastWithName("dbz.table")!.Value);
        Assert.Equal("ink", ((Struct)updated.Value!).Get("item"));
        Assert.Equal(["dbz.op"], tombstone.Headers.Select(h => h.Key));
        Assert.Equal("d", tombstone.Headers.LastWithName("dbz.op")!.Value);
    }

    [Fact]
    public void Route_by_field_takes_the_topic_from_the_row_and_from_the_old_row_of_a_delete()
    {
        var smt = Make(("route.by.field", "shop"), ("delete.tombstone.handling.mode", "rewrite"));

        Assert.Equal("north", smt.Apply(Change("c", null, Row(1, "pen", "north")))!.Topic);
        Assert.Equal(Topic, smt.Apply(Change("c", null, Row(2, "pen")))!.Topic);
        Assert.Equal("south", smt.Apply(Change("d", Row(3, "pen", "south"), null))!.Topic);
    }

    [Fact]
    public void Records_that_are_not_envelopes_pass_unchanged_and_truncates_are_dropped()
    {
        var smt = Make();
        var heartbeatSchema = SchemaBuilder.Struct().Name("io.debezium.connector.common.Heartbeat").Field("ts_ms", Schema.Int64Schema).Build();
        var heartbeat = Sink(null, null, heartbeatSchema, new Struct(heartbeatSchema).Put("ts_ms", 1L), "__debezium-heartbeat.srv");
        var schemaless = Value(null, Map(("before", null), ("after", Map(("id", 1)))));

        Assert.Same(heartbeat, smt.Apply(heartbeat));
        Assert.Same(schemaless, smt.Apply(schemaless));
        Assert.Null(smt.Apply(Change("t", null, null)));
    }

    [Theory]
    [InlineData("delete.tombstone.handling.mode", "keep")]
    [InlineData("delete.handling.mode", "tombstone")]
    [InlineData("add.fields", "source.ts_ms:a:b")]
    [InlineData("drop.tombstones", "maybe")]
    public void A_bad_value_fails_configuration_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ConfigException>(() => Make((key, value)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void It_is_found_by_debezium_class_name_and_short_name()
    {
        Assert.Equal(["io.debezium.transforms.ExtractNewRecordState", "ExtractNewRecordState"], ExtractNewRecordState.Aliases);
    }
}
