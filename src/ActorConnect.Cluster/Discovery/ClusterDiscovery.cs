using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ActorConnect.Cluster.Storage;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Discovery;

/// <summary>
/// How a distributed worker finds its group's one cluster through Kafka, as Kafka Connect's workers find each other by
/// <c>group.id</c>, and the guard that keeps a second cluster of the group from running anything. Every worker
/// rewrites its <see cref="WorkerAnnouncement"/> in the config topic each refresh interval.
/// <list type="bullet">
/// <item>Without seed nodes the worker joins the live members of its group's cluster (the one formed first, if it sees
/// two); when it sees none for the stable margin, the live seeker with the lowest address forms the cluster and the
/// others join it, so workers started together form one cluster. With seed nodes the host has joined them already.</item>
/// <item>A member runs nothing (<see cref="LocalEntities.RunsNothing"/>) until it has watched the topic for the stable
/// margin; if it then sees live members of another cluster of its group formed before its own, it stands down (fenced),
/// stops what runs here cleanly and runs nothing while that cluster lives. A minority the Split Brain Resolver downed
/// has ended its ActorSystem, so it cannot come back as a second cluster; restarted, it joins the live one.</item>
/// </list>
/// <code>
///   Seeking --live cluster seen--> Joining --this node Up--> Member --older live cluster--> Fenced --it is gone--> Member
///   Seeking --stable margin, lowest live seeker--> Joining (forming)       Joining --cluster gone--> Seeking
/// </code>
/// </summary>
internal sealed class ClusterDiscovery : ReceiveActor, IWithTimers
{
    private static readonly Runtime.States.LifecycleRules<Phase> Rules = new Runtime.States.LifecycleRules<Phase>()
        .Allow(Phase.Seeking, Phase.Joining)
        .Allow(Phase.Joining, Phase.Seeking, Phase.Member)
        .Allow(Phase.Member, Phase.Fenced)
        .Allow(Phase.Fenced, Phase.Member);

    private readonly DiscoverySettings _settings;
    private readonly IAnnouncementLog _announcements;
    private readonly LocalEntities _entities;
    private readonly string _group;
    private readonly string _workerId;
    private readonly IReadOnlyList<Address> _seeds;
    private readonly bool _joins;
    private readonly TimeSpan _joinWarningAfter;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly AnnouncementBoard _board = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private readonly string _self;
    private readonly string _selfKey;
    private Action<string, byte[]?>? _onAnnounced;
    private readonly Runtime.States.Lifecycle<Phase> _lifecycle;
    private TimeSpan _phaseSince;
    private long _sequence;
    private string? _clusterId;
    private long _formedAt;
    private string? _joining;
    private TimeSpan? _winnerGoneSince;
    private bool _publishFailing;

    /// <param name="settings">The discovery settings.</param>
    /// <param name="announcements">The config topic.</param>
    /// <param name="entities">This node's entities and the stand that keeps them from running.</param>
    /// <param name="group">This worker's <c>group.id</c>.</param>
    /// <param name="workerId">This worker's id, for the other workers' messages.</param>
    /// <param name="seeds">The seed nodes the host joined; empty: this actor decides how the node joins.</param>
    /// <param name="joins">True when this actor joins the node (no seed nodes); false when the host does (seeds, embedding).</param>
    /// <param name="joinWarningAfter">When to say that this node has not joined the live workers it found.</param>
    public ClusterDiscovery(DiscoverySettings settings, IAnnouncementLog announcements, LocalEntities entities, string group, string workerId,
        IReadOnlyList<Address> seeds, bool joins, TimeSpan joinWarningAfter)
    {
        _settings = settings;
        _announcements = announcements;
        _entities = entities;
        _group = group;
        _workerId = workerId;
        _seeds = seeds;
        _joins = joins;
        _joinWarningAfter = joinWarningAfter;
        _self = _cluster.SelfAddress.ToString();
        _selfKey = SelfKey(_cluster.SelfAddress);
        _lifecycle = new Runtime.States.Lifecycle<Phase>(Rules, joins ? Phase.Seeking : Phase.Joining, _log, () => "Discovery");

        Receive<Announced>(m =>
        {
            var announcement = m.Value is null ? null : WorkerAnnouncement.Parse(m.Value);
            if (m.Key == _selfKey && announcement is not null && announcement.Uid != _cluster.SelfUniqueAddress.Uid)
            {
                WarnOnce("same-address", $"Discovery: another worker ({announcement.WorkerId}) announces this worker's cluster address {_self}: every worker needs its own " +
                    $"{Config.DistributedConfig.ClusterHostname}:{Config.DistributedConfig.ClusterPort}, reachable from the others (not a loopback address on several hosts)");
            }

            _board.Seen(m.Key, announcement, _clock.Elapsed);
        });
        Receive<Tick>(_ =>
        {
            Publish();
            Evaluate();
        });
        Receive<ClusterEvent.IMemberEvent>(_ => Evaluate());
        Receive<PublishFailed>(m =>
        {
            if (!_publishFailing)
            {
                _publishFailing = true;
                _log.Warning("Discovery: writing this worker's announcement to {0} failed: {1}. The other workers count it as gone once they have not seen it for {2}",
                    _announcements.Topic, m.Reason, _settings.LiveWindow);
            }
        });
        Receive<Published>(_ => _publishFailing = false);
    }

    private enum Phase
    {
        Seeking,
        Joining,
        Member,
        Fenced,
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The key of this node's announcement, which <see cref="DistributedWorker"/> deletes as the node ends.</summary>
    public static string SelfKey(Address self) => WorkerAnnouncement.KeyOf($"{self.Host}:{self.Port}");

    public static Props Props(DiscoverySettings settings, IAnnouncementLog announcements, LocalEntities entities, string group, string workerId,
        IReadOnlyList<Address> seeds, bool joins, TimeSpan joinWarningAfter) =>
        Akka.Actor.Props.Create(() => new ClusterDiscovery(settings, announcements, entities, group, workerId, seeds, joins, joinWarningAfter));

    protected override void PreStart()
    {
        var self = Self;
        _onAnnounced = (key, value) => self.Tell(new Announced(key, value));
        _announcements.Announced += _onAnnounced;
        foreach (var (key, value) in _announcements.Snapshot())
        {
            _board.Known(key, WorkerAnnouncement.Parse(value), _clock.Elapsed);
        }

        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
        Timers.StartPeriodicTimer("refresh", Tick.Instance, _settings.RefreshInterval);
        Stand(_joins
            ? $"this worker is looking for the live workers of group.id {_group} in the config topic {_announcements.Topic}"
            : $"this worker has not joined its cluster yet{SeedText()}", starting: true);
        Publish();
    }

    protected override void PostStop()
    {
        _announcements.Announced -= _onAnnounced;
        _cluster.Unsubscribe(Self);
    }

    /// <summary>Moves along <see cref="Rules"/>; an illegal move is logged naming both phases and refused (the shared <see cref="Runtime.States.Lifecycle{TState}"/>).</summary>
    private void MoveTo(Phase next)
    {
        if (_lifecycle.MoveTo(next))
        {
            _phaseSince = _clock.Elapsed;
        }
    }

    private AnnouncedState Saying => _lifecycle.State switch
    {
        Phase.Member when _clusterId is not null => AnnouncedState.Member,
        Phase.Fenced => AnnouncedState.Fenced,
        _ => AnnouncedState.Seeking,
    };

    private void Publish()
    {
        var state = Saying;
        var announcement = new WorkerAnnouncement(_self, _cluster.SelfUniqueAddress.Uid, state, _clusterId, _formedAt, ++_sequence, _workerId, _group);
        _announcements.PublishAsync(_selfKey, announcement.ToBytes())
            .PipeTo(Self, success: () => Published.Instance, failure: e => new PublishFailed(e.GetBaseException().Message));
    }

    private void Evaluate()
    {
        var before = Saying;
        EvaluatePhase();
        if (Saying != before)
        {
            // Said at once, not at the next refresh: joiners find a new member sooner, and a fenced cluster is seen as one.
            Publish();
        }
    }

    private void EvaluatePhase()
    {
        var now = _clock.Elapsed;
        var live = Live(now);
        switch (_lifecycle.State)
        {
            case Phase.Seeking:
                Seek(now, live);
                break;
            case Phase.Joining:
                AwaitJoin(now, live);
                break;
            case Phase.Member:
                Watch(now, live);
                break;
            case Phase.Fenced:
                WatchFenced(now, live);
                break;
        }
    }

    /// <summary>The live announcements of this worker's group; another group's in the same topic is a misconfiguration, said once.</summary>
    private List<WorkerAnnouncement> Live(TimeSpan now)
    {
        var live = _board.Live(now, _settings.LiveWindow, _selfKey);
        foreach (var other in live.Where(a => a.Group != _group))
        {
            WarnOnce($"group:{other.Group}",
                $"Discovery: worker {other.WorkerId} of group.id {other.Group} announces itself in this worker's config topic {_announcements.Topic} (group.id {_group}): " +
                "every group needs its own config.storage.topic, offset.storage.topic and status.storage.topic, or their connectors collide");
        }

        return live.Where(a => a.Group == _group).ToList();
    }

    private void Seek(TimeSpan now, List<WorkerAnnouncement> live)
    {
        if (BestCluster(live) is { } best)
        {
            var seeds = best.Members.Select(a => Address.Parse(a.Address)).ToList();
            if (seeds.All(a => a.Protocol != _cluster.SelfAddress.Protocol))
            {
                // Joining them cannot work (Akka has no transport for their protocol), and forming a cluster beside them
                // would make a second one: this worker waits, running nothing, until the settings agree.
                Stand($"the live workers of group.id {_group} at {string.Join(", ", seeds)} {Speaks(seeds[0].Protocol, plural: true)}, and this worker " +
                    $"{Speaks(_cluster.SelfAddress.Protocol, plural: false)}: every worker of a cluster needs the same cluster.ssl.* settings (all with mutual TLS and certificates " +
                    "of one CA, or none)", starting: true, routine: false);
                return;
            }

            _log.Info("Discovery: joining the cluster of {0} live worker(s) at {1}", seeds.Count, string.Join(", ", seeds));
            _joining = best.Id;
            MoveTo(Phase.Joining);
            _cluster.JoinSeedNodes(seeds);
            Stand($"this worker is joining the cluster of group.id {_group} at {string.Join(", ", seeds)}", starting: true);
            return;
        }

        if (now < _settings.StableMargin)
        {
            return;
        }

        var seekers = live.Where(a => a.State == AnnouncedState.Seeking).Select(a => a.Address).Append(_self).ToList();
        if (seekers.Min(StringComparer.Ordinal) == _self)
        {
            _log.Info("Discovery: forming a new cluster: no live worker of group.id {0} is a member of one (watched {1} for {2}); {3} other live worker(s) will join it",
                _group, _announcements.Topic, _settings.StableMargin, seekers.Count - 1);
            _joining = null;
            MoveTo(Phase.Joining);
            _cluster.Join(_cluster.SelfAddress);
        }
    }

    private void AwaitJoin(TimeSpan now, List<WorkerAnnouncement> live)
    {
        if (_cluster.SelfMember.Status == MemberStatus.Up)
        {
            MoveTo(Phase.Member);
            Watch(now, live);
            return;
        }

        if (!_joins)
        {
            if (BestCluster(live) is { } elsewhere)
            {
                Stand($"this worker has not joined its cluster{SeedText()}, while {elsewhere.Members.Count} live worker(s) of group.id {_group} " +
                    $"are members of a cluster at {string.Join(", ", elsewhere.Members.Select(a => a.Address))}: make {Config.DistributedConfig.ClusterSeedNodes} " +
                    "list them, or leave it empty on every worker so that they find each other through Kafka", starting: true, routine: false);
            }

            return;
        }

        var inTarget = _joining is null ? [] : live.Where(a => a.State == AnnouncedState.Member && a.Cluster == _joining).ToList();
        if (_joining is not null && inTarget.Count == 0 && now - _phaseSince > _settings.LiveWindow)
        {
            _log.Warning("Discovery: the cluster this worker was joining has no live worker left; looking again");
            MoveTo(Phase.Seeking);
            return;
        }

        if (_joining is not null && now - _phaseSince > _joinWarningAfter)
        {
            var at = string.Join(", ", inTarget.Select(a => a.Address));
            WarnOnce("join:" + _joining,
                $"Discovery: this worker has not joined the cluster of group.id {_group} {_joinWarningAfter.TotalSeconds:N0} s after it found its live workers at {at}: " +
                $"they write to the config topic, so they run, but this worker cannot reach them at those addresses. Check that their {Config.DistributedConfig.ClusterHostname} " +
                $"is an address this machine reaches, that their {Config.DistributedConfig.ClusterPort} is open to it, and that every worker has the same cluster.ssl.* settings");
            Stand($"this worker cannot join the live workers of group.id {_group} at {at}: check that it reaches their cluster address and that " +
                "all workers have the same cluster.ssl.* settings", starting: true, routine: false);
        }
    }

    private void Watch(TimeSpan now, List<WorkerAnnouncement> live)
    {
        var members = _cluster.State.Members.Where(m => !m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)).Select(m => m.UniqueAddress).ToHashSet();
        if (_clusterId is null && !LearnClusterId(live, members))
        {
            Stand($"this worker has joined a cluster of group.id {_group} and waits to read its members' announcements", starting: true);
            return;
        }

        // At once: only a record that arrived while this worker watched counts, so an older cluster seen live is one, and
        // each moment more is a moment both clusters may run a connector (after a frozen worker, say, comes back).
        var winner = Winner(live, members);
        if (winner is not null)
        {
            Fence(winner);
            return;
        }

        foreach (var later in Others(live, members).Where(c => c.Id != winner?.Id))
        {
            WarnOnce("later:" + later.Id,
                $"Discovery: a second cluster of group.id {_group} runs, with {later.Members.Count} live worker(s) at {string.Join(", ", later.Members.Select(a => a.Address))}; " +
                $"it was formed after this worker's cluster, so it stands down and runs nothing");
        }

        if (now < _settings.StableMargin)
        {
            Stand($"this worker has joined cluster {_clusterId} of group.id {_group} and watches the config topic for another cluster of its group before it runs anything",
                starting: true);
            return;
        }

        if (_entities.RunsNothing is not null)
        {
            _entities.Clear();
            _log.Info("This worker runs connectors and tasks: a member of cluster {0} of group.id {1} with {2} other member(s)", _clusterId, _group, members.Count);
        }

        if (_cluster.State.Leader?.Equals(_cluster.SelfAddress) == true)
        {
            Forget(now, live);
        }
    }

    /// <summary>A member alone in its cluster formed it and names it; one that joined takes the name its members announce.</summary>
    private bool LearnClusterId(List<WorkerAnnouncement> live, HashSet<UniqueAddress> members)
    {
        if (members.Count == 0)
        {
            _clusterId = Guid.NewGuid().ToString("N")[..16];
            _formedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _log.Info("Discovery: this worker formed cluster {0} of group.id {1}", _clusterId, _group);
            return true;
        }

        if (live.FirstOrDefault(a => a.Cluster is not null && a.State != AnnouncedState.Seeking && IsMember(a, members)) is { } peer)
        {
            _clusterId = peer.Cluster;
            _formedAt = peer.FormedAt;
            _log.Info("Discovery: this worker is a member of cluster {0} of group.id {1}", _clusterId, _group);
            return true;
        }

        return false;
    }

    private void Fence(LiveCluster winner)
    {
        MoveTo(Phase.Fenced);
        _winnerGoneSince = null;
        var fix = _joins
            ? "Its workers' records reached this worker too late (a slow config topic read); this worker leaves its cluster and starts again to join that one"
            : $"Leave {Config.DistributedConfig.ClusterSeedNodes} empty on every worker, so that they find each other through Kafka, or make it list that cluster's workers; then restart this worker";
        var reason = $"another cluster of group.id {_group} runs: {winner.Members.Count} live worker(s) at {string.Join(", ", winner.Members.Select(a => a.Address))} " +
            $"(worker ids {string.Join(", ", winner.Members.Select(a => a.WorkerId))}), formed before this worker's cluster {_clusterId}. Two clusters on one group would run " +
            $"every connector twice, so this one runs nothing while that one lives. {fix}";
        _entities.StandDown(reason, starting: false);
        _log.Error("This worker runs nothing: {0}", reason);
        _warned.Add("stand:" + reason);
        foreach (var (entity, stop) in _entities.Live)
        {
            entity.Tell(stop);
        }

        if (_joins)
        {
            // Akka cannot move a node to another cluster: it leaves (its work handed over, here none) and the host starts
            // the worker again, whose discovery then joins the live cluster.
            CoordinatedShutdown.Get(Context.System).Run(RejoinReason.Instance);
        }
    }

    private void WatchFenced(TimeSpan now, List<WorkerAnnouncement> live)
    {
        var members = _cluster.State.Members.Where(m => !m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)).Select(m => m.UniqueAddress).ToHashSet();
        if (Winner(live, members) is not null)
        {
            _winnerGoneSince = null;
            return;
        }

        _winnerGoneSince ??= now;
        if (now - _winnerGoneSince.Value >= _settings.LiveWindow + _settings.LiveWindow)
        {
            _log.Warning("Discovery: the other cluster of group.id {0} has no live worker left; this worker's cluster {1} may run connectors again", _group, _clusterId);
            MoveTo(Phase.Member);
        }
    }

    /// <summary>The leader deletes the announcements no one has rewritten for a long time (SIGKILLed workers'), so the topic does not keep them forever.</summary>
    private void Forget(TimeSpan now, List<WorkerAnnouncement> live)
    {
        foreach (var key in _board.Forgotten(now, _settings.ForgetAfter, _selfKey))
        {
            _log.Info("Discovery: deleting the announcement {0}, not rewritten for {1}: its worker is gone", key, _settings.ForgetAfter);
            _board.Seen(key, null, now);
            _announcements.PublishAsync(key, null).PipeTo(Self, success: () => Published.Instance, failure: e => new PublishFailed(e.GetBaseException().Message));
        }
    }

    /// <summary>The live clusters of the group that are not this node's, by precedence (the one formed first first).</summary>
    private List<LiveCluster> Others(List<WorkerAnnouncement> live, HashSet<UniqueAddress> members) =>
        Clusters(live.Where(a => a.Cluster != _clusterId && !IsMember(a, members)));

    /// <summary>The live cluster, not this node's, formed before this node's: the one this node stands down for.</summary>
    private LiveCluster? Winner(List<WorkerAnnouncement> live, HashSet<UniqueAddress> members) =>
        Others(live, members).FirstOrDefault(c => WorkerAnnouncement.Precedes(c.Id, c.FormedAt, _clusterId!, _formedAt));

    private static LiveCluster? BestCluster(List<WorkerAnnouncement> live) => Clusters(live).FirstOrDefault();

    private static List<LiveCluster> Clusters(IEnumerable<WorkerAnnouncement> live) =>
        live.Where(a => a.State == AnnouncedState.Member && a.Cluster is not null)
            .GroupBy(a => (a.Cluster!, a.FormedAt))
            .Select(g => new LiveCluster(g.Key.Item1, g.Key.FormedAt, g.OrderBy(a => a.Address, StringComparer.Ordinal).ToList()))
            .OrderBy(c => c.FormedAt).ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();

    private static bool IsMember(WorkerAnnouncement a, HashSet<UniqueAddress> members) =>
        members.Any(m => m.Uid == a.Uid && m.Address.ToString() == a.Address);

    private static string Speaks(string protocol, bool plural) => protocol.Contains("ssl", StringComparison.Ordinal)
        ? (plural ? "use" : "uses") + " mutual TLS (cluster.ssl.* set)"
        : (plural ? "have no cluster.ssl.* and speak" : "has no cluster.ssl.* and speaks") + " plain TCP";

    private string SeedText() => _seeds.Count > 0 ? $" (seed nodes {string.Join(", ", _seeds)})" : string.Empty;

    /// <summary>
    /// Sets why this node runs nothing. Routine steps of a start (looking, joining, watching) are logged at Debug; a
    /// stand an operator must act on (fenced, seed nodes elsewhere, unreachable members) as a warning, once per reason.
    /// </summary>
    private void Stand(string reason, bool starting, bool routine = true)
    {
        _entities.StandDown(reason, starting);
        if (routine)
        {
            _log.Debug("This worker runs nothing yet: {0}", reason);
        }
        else if (_warned.Add("stand:" + reason))
        {
            _log.Warning("This worker runs nothing: {0}", reason);
        }
    }

    private void WarnOnce(string what, string message)
    {
        if (_warned.Add(what))
        {
            _log.Warning("{0}", message);
        }
    }

    private sealed record LiveCluster(string Id, long FormedAt, List<WorkerAnnouncement> Members);

    private sealed record Announced(string Key, byte[]? Value);

    private sealed record Tick : IDeadLetterSuppression
    {
        public static readonly Tick Instance = new();
    }

    private sealed record Published
    {
        public static readonly Published Instance = new();
    }

    private sealed record PublishFailed(string Reason);

    /// <summary>Why a worker that found its cluster second of its group ends its node: to start again and join the first.</summary>
    public sealed class RejoinReason : CoordinatedShutdown.Reason
    {
        public static readonly RejoinReason Instance = new();

        private RejoinReason()
        {
        }

        /// <summary>Not an exit: <c>exit-clr</c> is off, and the host starts the worker again.</summary>
        public override int ExitCode => 0;
    }
}
