using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.TestSupport;

namespace ActorConnect.Connectors.Jdbc.Tests;

/// <summary>An in-process standalone worker on the shared broker with JsonConverter (schemas on), as the JDBC connectors need.</summary>
public sealed class JdbcWorker : IAsyncDisposable
{
    public const string JsonConverter = "org.apache.kafka.connect.json.JsonConverter";

    private JdbcWorker(StandaloneWorker worker, string dir)
    {
        Worker = worker;
        Dir = dir;
    }

    public StandaloneWorker Worker { get; }

    public string Dir { get; }

    public static JdbcWorker Start(KafkaFixture kafka)
    {
        var dir = RepoPaths.NewTempDirectory("jdbc-worker");
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers,
            ["key.converter"] = JsonConverter,
            ["value.converter"] = JsonConverter,
            ["offset.storage.file.filename"] = Path.Combine(dir, "connect.offsets"),
            ["offset.flush.interval.ms"] = "500",
            ["consumer.session.timeout.ms"] = "10000",
        };
        foreach (var (k, v) in kafka.WorkerBrokerSettings())
        {
            props[k] = v;
        }

        var hocon = Akka.Configuration.ConfigurationFactory.ParseString("actorconnect.task-restart { min-backoff = 100ms, max-backoff = 500ms }");
        var worker = StandaloneWorker.Start(WorkerConfig.ParseStandalone(props), hocon, "jdbc-test-worker", typeof(JdbcSourceConnector).Assembly);
        return new JdbcWorker(worker, dir);
    }

    public Task<string> CreateAsync(params (string Key, string Value)[] config) =>
        Worker.CreateConnectorAsync(config.ToDictionary(kv => kv.Key, kv => kv.Value));

    public async Task<ConnectorStatus> WaitForStatusAsync(string connector, Func<ConnectorStatus, bool> condition, TimeSpan? timeout = null)
    {
        ConnectorStatus? last = null;
        try
        {
            await Eventually.AssertAsync(async () =>
            {
                last = await Worker.StatusAsync(connector);
                return condition(last);
            }, timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"Status never matched; last: {Describe(last)} ({e.Message})");
        }

        return last!;
    }

    /// <summary>Waits for <paramref name="condition"/>, failing at once (with the reason) when a task of <paramref name="connectors"/> FAILED.</summary>
    public async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string because, params string[] connectors)
    {
        await Eventually.AssertAsync(async () =>
        {
            foreach (var name in connectors)
            {
                var status = await Worker.StatusAsync(name);
                if (status.HasFailedTasks || status.State == ConnectState.Failed)
                {
                    throw new Xunit.Sdk.XunitException($"{because}: connector failed: {Describe(status)}");
                }
            }

            return await condition();
        }, timeout, because, TimeSpan.FromMilliseconds(250));
    }

    public static string Describe(ConnectorStatus? s) => s is null ? "none" :
        $"{s.Name} {s.State} [{string.Join("; ", s.Tasks.Select(t => $"{t.Id}:{t.State} restarts={t.RestartCount} err={t.LastError} trace={t.Trace?.Split('\n')[0]}"))}] trace={s.Trace?.Split('\n')[0]}";

    public static bool TaskErrorContains(ConnectorStatus s, string text) =>
        s.Tasks.Any(t => (t.LastError ?? string.Empty).Contains(text, StringComparison.Ordinal) || (t.Trace ?? string.Empty).Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await Worker.StopAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
