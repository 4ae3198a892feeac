using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Real <c>actorconnect distributed</c> processes: failover is fast for a worker that is gone (SIGKILL), and never
/// starts a second instance of a task, neither beside a worker that only stalled (SIGSTOP) nor across a kill.
/// </summary>
[Collection("kafka")]
public sealed class FailoverSafetyProcessTests(KafkaFixture kafka, ITestOutputHelper output)
{
    private readonly OneInstanceChecks _checks = new(kafka, output);

    [Fact]
    public async Task A_worker_stalled_3_s_by_SIGSTOP_then_SIGCONT_stays_a_member_and_none_of_its_tasks_starts_elsewhere()
    {
        await using var cluster = await ProcessCluster.StartAsync(kafka, output);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await RunningSourceAsync(cluster, watch);
        var before = cluster.Statuses.Tasks(name).ToDictionary(t => t.Task!.Value, t => (t.WorkerId, t.Generation));
        var stalled = before[0].WorkerId;
        output.WriteLine($"tasks before: {string.Join(", ", before.Select(t => $"{t.Key} on {t.Value.WorkerId} (generation {t.Value.Generation})"))}; stalling {stalled}");

        // The stall is the stimulus, not a wait for a condition: a 3 s pause (a long GC, a starved VM) must be survived.
        cluster.Nodes[stalled].Freeze();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3));
        }
        finally
        {
            cluster.Nodes[stalled].Thaw();
        }

        // Over once every node that marked a member unreachable has marked it reachable again: the resolver decides
        // only on an unreachability that lasts stable-after, so from then on it downs no one for this stall.
        await Eventually.AssertAsync(() => Assert.All(cluster.Nodes.Values, n => Assert.Equal(Count(n, "is unreachable"), Count(n, "is reachable again"))),
            ProcessCluster.Timeout, TimeSpan.FromMilliseconds(200));
        await cluster.RecordsFlowAsync(topic);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);

        Assert.False(cluster.Nodes[stalled].HasExited);
        Assert.All(cluster.Nodes.Values, n => Assert.DoesNotContain(n.Lines, l => l.Contains("is removed", StringComparison.Ordinal) || l.Contains("SBR took decision", StringComparison.Ordinal)));
        await cluster.Statuses.ReadToEndAsync();
        var after = cluster.Statuses.Tasks(name).ToDictionary(t => t.Task!.Value, t => (t.WorkerId, t.Generation));
        Assert.Equal(before, after);
        await _checks.StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: false);
    }

    [Fact]
    public async Task Across_a_SIGKILL_every_task_runs_again_on_a_survivor_and_no_task_ever_runs_as_two_instances_at_once()
    {
        await using var cluster = await ProcessCluster.StartAsync(kafka, output);
        await using var watch = new LiveWatch(cluster);
        var (name, topic) = await RunningSourceAsync(cluster, watch);
        var victim = cluster.Statuses.Tasks(name).First(t => t.Task == 0).WorkerId;

        cluster.Nodes[victim].KillHard();
        output.WriteLine($"SIGKILL {victim}");
        var moved = await cluster.RunningOnAsync(name, OneInstanceChecks.Tasks, notOn: victim);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);
        output.WriteLine($"connector on {moved.WorkerId} (generation {moved.Generation})");
        Assert.Contains(cluster.Live, n => n.Value.Lines.Any(l => l.Contains("refuses connections on its cluster port", StringComparison.Ordinal)));

        // A crash may cost duplicates (records sent after the last offset flush), never a gap, and each task's
        // records come from one instance at a time: the killed one's, then its successor's.
        await _checks.StopAndAssertWrittenByOneInstanceAsync(cluster, name, topic, watch, crashed: true);
    }

    /// <summary>A verifiable source whose tasks each run once and write, with the status topic read to its end.</summary>
    private async Task<(string Name, string Topic)> RunningSourceAsync(ProcessCluster cluster, LiveWatch watch)
    {
        var (name, topic) = await _checks.CreateSourceAsync(cluster, watch.Dir);
        await _checks.EachTaskRunsOnceAsync(cluster, name, watch.Dir);
        await cluster.RecordsFlowAsync(topic);
        await cluster.Statuses.ReadToEndAsync();
        return (name, topic);
    }

    private static int Count(ProcessRunner node, string text) => node.Lines.Count(l => l.Contains(text, StringComparison.Ordinal));
}
