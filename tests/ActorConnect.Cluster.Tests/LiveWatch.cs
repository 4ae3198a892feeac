using ActorConnect.Cluster.Tests.TestConnectors;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Samples the verifiable source's live marks every 100 ms while a test runs: the most instances of any one task
/// seen at once (a task running twice, even briefly between two checks, shows here).
/// </summary>
internal sealed class LiveWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private int _max;

    public LiveWatch(ProcessCluster cluster)
    {
        Dir = Directory.CreateDirectory(Path.Combine(cluster.Dir, "live")).FullName;
        _sampling = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
            {
                foreach (var group in Directory.GetFiles(Dir, "*.live").GroupBy(f => Path.GetFileName(f)[..Path.GetFileName(f).LastIndexOf('-')]))
                {
                    var dash = group.Key.LastIndexOf('-');
                    var live = VerifiableSourceTask.LiveInstancesIn(Dir, group.Key[..dash], int.Parse(group.Key[(dash + 1)..]));
                    InterlockedMax(live);
                }
            }
        });
    }

    public string Dir { get; }

    /// <summary>The most live instances of one task seen at once so far.</summary>
    public int Max => Volatile.Read(ref _max);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }

    private void InterlockedMax(int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
    }
}
