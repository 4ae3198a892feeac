namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>How far the slot may be confirmed, decided from the stored offset alone.</summary>
public sealed class FlushTrackerTests
{
    [Fact]
    public void A_completed_snapshot_does_not_cover_a_transaction_committing_at_its_consistent_point()
    {
        // The snapshot read the tables as of the slot's consistent point 500; a transaction whose commit record starts
        // exactly there was not in it, and its changes (before 500) are streamed.
        var tracker = new FlushTracker(100);
        tracker.Stored(new CdcOffset(500, 0, 500, 1, 0, Snapshot: true, LastSnapshotRecord: true));
        tracker.Emitted(commitLsn: 500, endLsn: 540, lastLsn: 450, records: 2);

        Assert.Equal(100UL, tracker.Confirmable);

        tracker.Stored(new CdcOffset(450, 0, 500, 2, 0));
        Assert.Equal(540UL, tracker.Confirmable);
    }

    [Fact]
    public void A_heartbeat_is_confirmed_once_its_own_offset_or_a_later_one_is_stored()
    {
        var tracker = new FlushTracker(100);
        var last = new CdcOffset(200, 0, 210, 1, 0);
        tracker.Emitted(commitLsn: 210, endLsn: 220, lastLsn: 200, records: 1);
        tracker.Heartbeat(last with { ProcessedLsn = 900 }, 900);
        tracker.Stored(last);
        Assert.Equal(220UL, tracker.Confirmable);

        tracker.Stored(last with { ProcessedLsn = 900 });
        Assert.Equal(900UL, tracker.Confirmable);

        // A change after the next heartbeat, stored before anyone stored that heartbeat's offset, covers it too.
        tracker.Heartbeat(last with { ProcessedLsn = 1000 }, 1000);
        tracker.Emitted(commitLsn: 1100, endLsn: 1150, lastLsn: 1050, records: 1);
        tracker.Stored(new CdcOffset(1050, 1000, 1100, 2, 0));
        Assert.Equal(1150UL, tracker.Confirmable);
    }
}
