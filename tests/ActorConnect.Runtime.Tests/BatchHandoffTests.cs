using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Tasks;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// <see cref="BatchHandoff{T}"/>, the bounded queue between a source task's thread and its producer stream: order,
/// a writer that waits while it is full (the task's backpressure), cancellation, and a stream that ends under a writer.
/// The stream side acknowledges each item by hand (<see cref="Sink.ActorRefWithAck{TIn}"/>), so the test decides when
/// it takes the next one.
/// </summary>
public sealed class BatchHandoffTests() : Akka.TestKit.Xunit2.TestKit(PatientTestKit.Over(RuntimeSettings.DefaultConfig()))
{
    private const string Init = "init";
    private const string Ack = "ack";
    private const string Done = "done";

    [Fact]
    public async Task Items_written_before_the_stream_runs_arrive_in_order_and_the_stream_completes_after_the_last()
    {
        var handoff = new BatchHandoff<string>(2);
        await WrittenAsync(handoff, "a");
        await WrittenAsync(handoff, "b");
        handoff.Complete();

        var done = handoff.Source.RunWith(Sink.Seq<string>(), Sys.Materializer());

        Assert.Equal(["a", "b"], await done.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_writer_waits_while_the_handoff_is_full_and_goes_on_when_the_stream_takes_an_item()
    {
        var handoff = new BatchHandoff<string>(1);
        RunToTestActor(handoff);
        await WrittenAsync(handoff, "first");
        ExpectMsg("first");
        // "first" is with the test actor, unacknowledged; the sink's one-item buffer takes "second", the hand-off holds
        // "third", and "fourth" must wait.
        await WrittenAsync(handoff, "second");
        await WrittenAsync(handoff, "third");
        var fourth = WriteAsync(handoff, "fourth");
        Assert.False(fourth.IsCompleted);
        Assert.Equal(1, handoff.Count);

        LastSender.Tell(Ack);
        ExpectMsg("second");
        Assert.Equal(HandoffResult.Written, await fourth.WaitAsync(TimeSpan.FromSeconds(30)));
        foreach (var next in new[] { "third", "fourth" })
        {
            LastSender.Tell(Ack);
            ExpectMsg(next);
        }

        handoff.Complete();
        LastSender.Tell(Ack);
        ExpectMsg(Done);
    }

    [Fact]
    public async Task A_waiting_writer_that_is_cancelled_leaves_its_item_out()
    {
        var handoff = new BatchHandoff<string>(1);
        await WrittenAsync(handoff, "queued");
        using var cancellation = new CancellationTokenSource();
        var waiting = Task.Factory.StartNew(() => handoff.Write("left out", cancellation.Token), TaskCreationOptions.LongRunning);
        Assert.False(waiting.IsCompleted);

        cancellation.Cancel();

        Assert.Equal(HandoffResult.Cancelled, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        handoff.Complete();
        var done = handoff.Source.RunWith(Sink.Seq<string>(), Sys.Materializer());
        Assert.Equal(["queued"], await done.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_stream_that_ends_releases_a_waiting_writer_and_refuses_later_writes()
    {
        var handoff = new BatchHandoff<string>(1);
        var killSwitch = handoff.Source
            .ViaMaterialized(KillSwitches.Single<string>(), Keep.Right)
            .To(AckedByTestActor())
            .Run(Sys.Materializer());
        ExpectMsg(Init);
        LastSender.Tell(Ack);
        await WrittenAsync(handoff, "taken");
        ExpectMsg("taken");
        await WrittenAsync(handoff, "buffered");
        await WrittenAsync(handoff, "queued");
        var waiting = WriteAsync(handoff, "waiting");

        killSwitch.Abort(new InvalidOperationException("the producer failed"));

        Assert.Equal(HandoffResult.Closed, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(HandoffResult.Closed, await WriteAsync(handoff, "later").WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Completing_while_the_stream_waits_for_an_item_completes_it()
    {
        var handoff = new BatchHandoff<string>(2);
        RunToTestActor(handoff);
        await WrittenAsync(handoff, "only");
        ExpectMsg("only");
        LastSender.Tell(Ack);

        handoff.Complete();

        ExpectMsg(Done);
        Assert.Equal(HandoffResult.Closed, await WriteAsync(handoff, "after").WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// A write on a thread of its own, never cancelled: one that waits for good (a lost wake-up) fails the test through
    /// the caller's bounded await instead of holding the test thread.
    /// </summary>
    private static Task<HandoffResult> WriteAsync(BatchHandoff<string> handoff, string item) =>
        Task.Factory.StartNew(() => handoff.Write(item, CancellationToken.None), TaskCreationOptions.LongRunning);

    private static async Task WrittenAsync(BatchHandoff<string> handoff, string item) =>
        Assert.Equal(HandoffResult.Written, await WriteAsync(handoff, item).WaitAsync(TimeSpan.FromSeconds(30)));

    /// <summary>Runs the hand-off into the test actor, which takes the next item only when it answers <see cref="Ack"/>.</summary>
    private void RunToTestActor(BatchHandoff<string> handoff)
    {
        handoff.Source.RunWith(AckedByTestActor(), Sys.Materializer());
        ExpectMsg(Init);
        LastSender.Tell(Ack);
    }

    /// <summary>The test actor as the sink, buffering at most one item beside the one it was sent.</summary>
    private Sink<string, Akka.NotUsed> AckedByTestActor() =>
        Sink.ActorRefWithAck<string>(TestActor, Init, Ack, Done, e => e).WithAttributes(Attributes.CreateInputBuffer(1, 1));
}
