using ActorConnect.Api.Sink;
using ActorConnect.Runtime.Tasks;

namespace ActorConnect.Runtime.Tests;

public sealed class OffsetContinuityTests
{
    private static readonly TopicPartition P0 = new("t", 0);

    [Fact]
    public void Offsets_that_only_grow_within_an_epoch_raise_nothing()
    {
        var continuity = new OffsetContinuity();
        continuity.Assigned(P0, epoch: 1, rewoundTo: null);
        Assert.Null(continuity.Observe(P0, 1, 0));
        Assert.Null(continuity.Observe(P0, 1, 1));
        Assert.Null(continuity.Observe(P0, 1, 7)); // compaction and transaction markers leave gaps
    }

    [Fact]
    public void An_offset_below_the_next_expected_one_in_the_same_epoch_is_a_move_backward()
    {
        var continuity = new OffsetContinuity();
        continuity.Assigned(P0, epoch: 1, rewoundTo: null);
        Assert.Null(continuity.Observe(P0, 1, 149_999));
        Assert.Equal(150_000, continuity.Observe(P0, 1, 0)); // the topic was recreated: librdkafka reset to the beginning
        Assert.Null(continuity.Observe(P0, 1, 1));
    }

    [Fact]
    public void A_new_assignment_starting_below_the_last_acknowledged_commit_is_a_move_backward_but_a_rewind_the_task_asked_for_is_not()
    {
        var continuity = new OffsetContinuity();
        continuity.Committed([KeyValuePair.Create(P0, 500L)]);
        continuity.Assigned(P0, epoch: 2, rewoundTo: null);
        Assert.Equal(500, continuity.Observe(P0, 2, 0));

        continuity.Assigned(P0, epoch: 3, rewoundTo: 100);
        Assert.Null(continuity.Observe(P0, 3, 100));
    }

    [Fact]
    public void The_first_record_after_a_seek_the_task_asked_for_is_not_checked()
    {
        var continuity = new OffsetContinuity();
        continuity.Assigned(P0, epoch: 1, rewoundTo: null);
        Assert.Null(continuity.Observe(P0, 1, 900));
        Assert.Null(continuity.Observe(P0, 2, 10)); // epoch 2: the task's seek to 10
        Assert.Equal(11, continuity.Observe(P0, 2, 5));
    }
}
