using System.Globalization;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// The stream's cheaper per-change pieces give what the plain ones gave: offsets sharing their transaction's entries
/// (<see cref="CdcOffsetMap"/>), and the digit-by-digit timestamp parser.
/// </summary>
public sealed class CdcOffsetMapTests
{
    private static readonly PostgresConnectorConfig Config = PostgresConnectorConfig.Parse(new Dictionary<string, string>
    {
        ["database.hostname"] = "h", ["database.user"] = "u", ["database.dbname"] = "d", ["topic.prefix"] = "p",
    });

    [Fact]
    public void A_shared_offset_map_has_the_entries_of_the_offset_in_its_order()
    {
        var incremental = new Dictionary<string, object?> { ["incremental_snapshot_primary_key"] = "x" };
        foreach (var offset in new[]
                 {
                     new CdcOffset(500, 400, 600, 7, 123),
                     new CdcOffset(500, 0, 500, 7, 123, Snapshot: true, LastSnapshotRecord: true),
                     new CdcOffset(500, 400, 600, 7, 123, Incremental: incremental),
                 })
        {
            var map = new CdcOffsetMap(500, CdcOffsetMap.Shared(offset));

            Assert.Equal(offset.ToMap().ToList(), map.ToList());
            // The incremental progress is a dictionary, compared by reference in the record: the first check covers it.
            Assert.Equal(offset with { Incremental = null }, CdcOffset.FromMap(map)! with { Incremental = null });
            Assert.Equal((offset.ToMap().Count, 500L, false), (map.Count, (long)map[CdcOffset.LsnKey]!, map.ContainsKey("nope")));
            Assert.Equal((offset with { Lsn = 499 }).ToMap().ToList(), map.WithLsn(499).ToList());
        }
    }

    [Fact]
    public void Records_of_one_transaction_carry_the_incremental_progress_of_their_moment()
    {
        var events = new ChangeEvents(Config, "1.0");
        var table = new TableSchema("p", "public", "t", [new TableColumn("id", ColumnTypes.For(ColumnTypes.Int4, -1, false, Config), true)], ["id"]);
        var tx = new TransactionInfo(7, 1000, DateTime.UnixEpoch, 900);
        Struct Row(int id) => new Struct(table.Row).Put("id", id);
        var records = new List<SourceRecord>();

        events.Change(records, table, 'c', null, Row(1), tx, 10);
        events.Progress = new Dictionary<string, object?> { ["incremental_snapshot_primary_key"] = "a" };
        events.Change(records, table, 'c', null, Row(2), tx, 20);
        events.Progress = new Dictionary<string, object?> { ["incremental_snapshot_primary_key"] = "b" };
        events.Change(records, table, 'c', null, Row(3), tx, 30);
        events.Change(records, table, 'c', null, Row(4), tx, 40);

        Assert.Equal([null, "a", "b", "b"], records.Select(r => r.SourceOffset!.GetValueOrDefault("incremental_snapshot_primary_key")));
        Assert.Equal([10L, 20L, 30L, 40L], records.Select(r => (long)r.SourceOffset![CdcOffset.LsnKey]!));
        Assert.All(records, r => Assert.Equal((900L, 1000L, 7L), ((long)r.SourceOffset![CdcOffset.ProcessedKey]!, (long)r.SourceOffset[CdcOffset.CommitKey]!, (long)r.SourceOffset[CdcOffset.TxIdKey]!)));
    }

    [Theory]
    [InlineData("2024-02-29 13:45:30")]
    [InlineData("2024-02-29 13:45:30.5")]
    [InlineData("2024-02-29 13:45:30.05")]
    [InlineData("2024-02-29 13:45:30.123456")]
    [InlineData("1969-12-31 23:59:59.999999")]
    [InlineData("0001-01-01 00:00:00")]
    [InlineData("9999-12-31 23:59:59.000001")]
    public void A_timestamp_parses_to_the_microseconds_DateTime_gives(string text)
    {
        var expected = (DateTime.ParseExact(text, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks - DateTime.UnixEpoch.Ticks) / 10;

        Assert.Equal(expected, ColumnTypes.ParseTimestampMicros(text));
    }
}
