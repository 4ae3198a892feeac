using ActorConnect.Cluster.Discovery;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using ActorConnect.Cluster.Storage;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Tests.Discovery;

/// <summary>
/// Discovery's decisions with real Akka cluster nodes on loopback (in this process) and the announcements in memory
/// (<see cref="InMemoryAnnouncementLog"/>): which cluster a worker joins, when it forms one, and when it stands down.
/// The end-to-end tests with real processes and the real config topic are in DiscoveryProcessTests.
/// </summary>
public sealed class ClusterDiscoverySpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Shorter windows than the defaults keep the specs quick, with the defaults' ratios (refresh < live window <=
    // stable margin). Not much shorter: CI runs these beside real clusters whose blocking calls starve the thread pool,
    // and a live worker silent for a whole window is, rightly, taken for gone (700 ms once let a spec form a second cluster).
    private static readonly DiscoverySettings Settings = new(
        RefreshInterval: TimeSpan.FromMilliseconds(250), LiveWindow: TimeSpan.FromMilliseconds(1500), StableMargin: TimeSpan.FromMilliseconds(1500),
        ForgetAfter: TimeSpan.FromSeconds(5));

    private readonly InMemoryAnnouncementLog _log = new();
    private readonly List<ActorSystem> _systems = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_systems.Select(s => s.Terminate()));
    }

    [Fact]
    public async Task Three_workers_started_together_without_seeds_form_one_cluster_and_each_runs_once_cleared()
    {
        var nodes = Enumerable.Range(0, 3).Select(_ => Start(joins: true)).ToList();

        await Eventually.AssertAsync(() => nodes.All(n => Cluster(n).State.Members.Count(m => m.Status == MemberStatus.Up) == 3), Timeout, "one cluster of three");
        await Eventually.AssertAsync(() => nodes.All(n => n.Entities.RunsNothing is null), Timeout, "every node cleared to run");
        var ids = nodes.Select(n => Announcement(n)).Select(a => (a?.State, a?.Cluster)).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(AnnouncedState.Member, ids[0].State);
        Assert.NotNull(ids[0].Cluster);
    }

    [Fact]
    public async Task A_worker_started_after_a_cluster_formed_joins_it_rather_than_forming_another()
    {
        var first = Start(joins: true);
        await Eventually.AssertAsync(() => first.Entities.RunsNothing is null, Timeout, "the first worker formed its cluster");

        var second = Start(joins: true);

        await Eventually.AssertAsync(() => Cluster(second).State.Members.Count(m => m.Status == MemberStatus.Up) == 2 && second.Entities.RunsNothing is null,
            Timeout, "the second joined the first");
        Assert.Equal(AnnouncedState.Member, Announcement(second)!.State);
        Assert.Equal(Announcement(first)!.Cluster, Announcement(second)!.Cluster);
    }

    [Fact]
    public async Task A_members_record_left_from_before_the_worker_started_is_not_taken_for_a_live_cluster()
    {
        // A SIGKILLed worker's last record: a member of a cluster, never rewritten again.
        await _log.PublishAsync(WorkerAnnouncement.KeyOf("127.0.0.1:1"),
            new WorkerAnnouncement("akka.tcp://discovery@127.0.0.1:1", 7, AnnouncedState.Member, "dead", 1, 42, "127.0.0.1:8083", "g").ToBytes());

        var node = Start(joins: true);
        var lines = new TestProbeLike();
        node.System.EventStream.Subscribe(lines.Ref(node.System), typeof(Akka.Event.Info));

        await Eventually.AssertAsync(() => node.Entities.RunsNothing is null && Cluster(node).SelfMember.Status == MemberStatus.Up, Timeout, "it formed its own cluster");
        Assert.NotEqual("dead", Announcement(node)!.Cluster);
        lock (lines.Received)
        {
            Assert.DoesNotContain(lines.Received, l => l.ToString()!.Contains("joining the cluster", StringComparison.Ordinal));
            Assert.Contains(lines.Received, l => l.ToString()!.Contains("forming a new cluster", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_worker_whose_live_cluster_it_cannot_reach_forms_none_of_its_own_and_says_why()
    {
        // A live member this worker cannot reach: its records keep arriving, its address answers nothing.
        var unreachable = new WorkerAnnouncement("akka.tcp://discovery@127.0.0.1:1", 7, AnnouncedState.Member, "live", 1, 0, "127.0.0.1:8083", "g");
        using var writer = new PeriodicWriter(_log, WorkerAnnouncement.KeyOf("127.0.0.1:1"), () => unreachable);

        var node = Start(joins: true, joinWarningAfter: TimeSpan.FromSeconds(1));

        await Eventually.AssertAsync(() => node.Entities.RunsNothing?.Reason.Contains("cannot join the live workers", StringComparison.Ordinal) == true, Timeout,
            "it says it cannot join");
        Assert.True(node.Entities.RunsNothing!.Starting);
        Assert.Contains("127.0.0.1:1", node.Entities.RunsNothing.Reason, StringComparison.Ordinal);
        Assert.NotEqual(MemberStatus.Up, Cluster(node).SelfMember.Status);
    }

    [Fact]
    public async Task A_second_cluster_of_the_group_stands_down_stops_what_runs_on_it_and_runs_again_once_the_first_is_gone()
    {
        var first = Start(joins: true);
        await Eventually.AssertAsync(() => first.Entities.RunsNothing is null, Timeout, "the first cluster runs");

        // A worker whose seed list names only itself forms a cluster of its own.
        var second = Start(joins: false);
        var entity = new TestProbeLike();
        second.Entities.Started(entity.Ref(second.System), "stop");
        Cluster(second).Join(Cluster(second).SelfAddress);

        await Eventually.AssertAsync(() => second.Entities.RunsNothing is { Starting: false }, Timeout, "the second cluster stood down");
        Assert.Contains(Cluster(first).SelfAddress.ToString(), second.Entities.RunsNothing!.Reason, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => entity.Received.Contains("stop"), Timeout, "what ran on it was stopped cleanly");
        Assert.Equal(AnnouncedState.Fenced, Announcement(second)!.State);
        Assert.Null(first.Entities.RunsNothing);

        await first.System.Terminate();
        await _log.PublishAsync(ClusterDiscovery.SelfKey(Cluster(first).SelfAddress), null);

        await Eventually.AssertAsync(() => second.Entities.RunsNothing is null, Timeout, "the second cluster runs once the first is gone");
    }

    [Fact]
    public async Task A_worker_that_found_its_cluster_second_without_seeds_ends_its_node_to_start_again_and_join_the_first()
    {
        var first = Start(joins: true);
        await Eventually.AssertAsync(() => first.Entities.RunsNothing is null && Announcement(first)?.State == AnnouncedState.Member, Timeout, "the first cluster runs");

        // The second worker reads a topic where the first's records arrive only later (a slow read): it forms a cluster too.
        var late = new InMemoryAnnouncementLog();
        var second = Start(joins: true, log: late);
        await Eventually.AssertAsync(() => second.Entities.RunsNothing is null, Timeout, "the second formed its own cluster");
        var firstKey = ClusterDiscovery.SelfKey(Cluster(first).SelfAddress);
        using var relay = new PeriodicWriter(late, firstKey, () => Announcement(first)!);

        await second.System.WhenTerminated.WaitAsync(Timeout);
        Assert.IsType<ClusterDiscovery.RejoinReason>(Akka.Actor.CoordinatedShutdown.Get(second.System).ShutdownReason);
        Assert.Contains(Cluster(first).SelfAddress.ToString(), second.Entities.RunsNothing!.Reason, StringComparison.Ordinal);
        Assert.Null(first.Entities.RunsNothing);
    }

    [Fact]
    public async Task A_seeded_worker_that_has_not_joined_names_the_live_workers_its_seeds_should_list()
    {
        var first = Start(joins: true);
        await Eventually.AssertAsync(() => first.Entities.RunsNothing is null, Timeout, "the first cluster runs");

        var seeded = Start(joins: false, seeds: [Address.Parse("akka.tcp://discovery@127.0.0.1:1")]);

        await Eventually.AssertAsync(() => seeded.Entities.RunsNothing?.Reason.Contains(Cluster(first).SelfAddress.ToString(), StringComparison.Ordinal) == true,
            Timeout, "it names the live workers");
        Assert.Contains("cluster.seed.nodes", seeded.Entities.RunsNothing!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_announcement_reads_back_as_written_and_an_unreadable_one_is_ignored()
    {
        var a = new WorkerAnnouncement("akka.tcp://actorconnect@h:1", -5, AnnouncedState.Fenced, "c1", 1700000000000, 9, "h:8083", "group");

        Assert.Equal(a, WorkerAnnouncement.Parse(a.ToBytes()));
        Assert.Null(WorkerAnnouncement.Parse("not json"u8.ToArray()));
        Assert.Null(WorkerAnnouncement.Parse("""{"address":"x","state":"leader"}"""u8.ToArray()));
    }

    [Fact]
    public void The_cluster_formed_first_takes_precedence_and_the_id_breaks_a_tie()
    {
        Assert.True(WorkerAnnouncement.Precedes("b", 1, "a", 2));
        Assert.False(WorkerAnnouncement.Precedes("a", 2, "b", 1));
        Assert.True(WorkerAnnouncement.Precedes("a", 1, "b", 1));
    }

    [Fact]
    public void Only_records_that_arrive_while_the_worker_watches_are_live()
    {
        var board = new AnnouncementBoard();
        var a = new WorkerAnnouncement("akka.tcp://x@h:1", 1, AnnouncedState.Member, "c", 1, 1, "w", "g");
        var window = TimeSpan.FromSeconds(3);

        board.Known("worker-h:1", a, TimeSpan.Zero);
        Assert.Empty(board.Live(TimeSpan.FromSeconds(1), window, "self"));

        board.Seen("worker-h:1", a with { Sequence = 2 }, TimeSpan.FromSeconds(2));
        Assert.Single(board.Live(TimeSpan.FromSeconds(4), window, "self"));
        Assert.Empty(board.Live(TimeSpan.FromSeconds(6), window, "self"));
        Assert.Empty(board.Live(TimeSpan.FromSeconds(4), window, "worker-h:1"));
        Assert.Equal(["worker-h:1"], board.Forgotten(TimeSpan.FromSeconds(70), TimeSpan.FromSeconds(60), "self"));

        board.Seen("worker-h:1", null, TimeSpan.FromSeconds(7));
        Assert.Empty(board.Live(TimeSpan.FromSeconds(7), window, "self"));
    }

    private Node Start(bool joins, IReadOnlyList<Address>? seeds = null, TimeSpan? joinWarningAfter = null, IAnnouncementLog? log = null)
    {
        var system = ActorSystem.Create("discovery", ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.min-nr-of-members = 1
            akka.loglevel = INFO
            """));
        _systems.Add(system);
        var entities = new LocalEntities();
        system.ActorOf(ClusterDiscovery.Props(Settings, log ?? _log, entities, "g", $"worker-{_systems.Count}", seeds ?? [], joins, joinWarningAfter ?? TimeSpan.FromSeconds(20)),
            "discovery");
        if (seeds is { Count: > 0 })
        {
            Akka.Cluster.Cluster.Get(system).JoinSeedNodes(seeds);
        }

        return new Node(system, entities);
    }

    private static Akka.Cluster.Cluster Cluster(Node node) => Akka.Cluster.Cluster.Get(node.System);

    private WorkerAnnouncement? Announcement(Node node) =>
        _log.Snapshot().TryGetValue(ClusterDiscovery.SelfKey(Cluster(node).SelfAddress), out var value) ? WorkerAnnouncement.Parse(value) : null;

    private sealed record Node(ActorSystem System, LocalEntities Entities);

    /// <summary>An entity stand-in that records what it is told.</summary>
    private sealed class TestProbeLike
    {
        public List<object> Received { get; } = new();

        public IActorRef Ref(ActorSystem system) => system.ActorOf(Props.Create(() => new Recorder(Received)));

        private sealed class Recorder : ReceiveActor
        {
            public Recorder(List<object> received) => ReceiveAny(m =>
            {
                lock (received)
                {
                    received.Add(m);
                }
            });
        }
    }

    /// <summary>
    /// A live worker's record, rewritten every 100 ms (a worker not in this process, or one relayed from another log), on
    /// a thread of its own: a writer on the starved thread pool would fall silent and look gone, as a real worker's
    /// scheduler and Kafka client threads do not.
    /// </summary>
    private sealed class PeriodicWriter : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public PeriodicWriter(IAnnouncementLog log, string key, Func<WorkerAnnouncement> announcement)
        {
            var thread = new Thread(() =>
            {
                // The wait paces the refreshes (a worker's refresh interval) and ends at once on Dispose.
                for (var sequence = 1L; !_stop.Token.WaitHandle.WaitOne(sequence == 1 ? 0 : 100); sequence++)
                {
                    log.PublishAsync(key, (announcement() with { Sequence = sequence }).ToBytes()).GetAwaiter().GetResult();
                }
            })
            { IsBackground = true, Name = "periodic-announcement" };
            thread.Start();
        }

        public void Dispose() => _stop.Cancel();
    }
}
