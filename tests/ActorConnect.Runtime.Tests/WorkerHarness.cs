using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tasks;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>An in-process standalone worker against the shared test broker or an in-memory Kafka, with a temp dir of its own.</summary>
public sealed class WorkerHarness : IAsyncDisposable
{
    private readonly Dictionary<string, string> _props;
    private readonly string _hocon;
    private readonly ITaskKafkaClients? _kafka;

    private WorkerHarness(Dictionary<string, string> props, string dir, string? hocon, ITaskKafkaClients? kafka)
    {
        _props = props;
        _kafka = kafka;
        _hocon = "actorconnect.task-restart { min-backoff = 100ms, max-backoff = 500ms }\n" + hocon;
        Dir = dir;
        Worker = StartWorker();
    }

    public StandaloneWorker Worker { get; private set; }

    public string Dir { get; }

    /// <summary>A worker on the shared test broker, told its version so it does not probe it.</summary>
    public static WorkerHarness Start(KafkaFixture kafka, string converter = "org.apache.kafka.connect.storage.StringConverter") =>
        Start(kafka.BootstrapServers, converter, kafka.WorkerBrokerSettings().ToDictionary(kv => kv.Key, kv => kv.Value));

    /// <summary>A worker whose tasks run on <paramref name="kafka"/>, an in-memory Kafka: no broker involved.</summary>
    public static WorkerHarness Start(InMemory.InMemoryKafka kafka, string converter = "org.apache.kafka.connect.storage.StringConverter") =>
        Start(kafka.BootstrapServers, converter, kafka.WorkerBrokerSettings().ToDictionary(kv => kv.Key, kv => kv.Value), kafka: kafka);

    /// <param name="bootstrap">The brokers.</param>
    /// <param name="converter">Key and value converter.</param>
    /// <param name="extra">More worker properties.</param>
    /// <param name="hocon">More HOCON for the worker's ActorSystem (runtime settings).</param>
    /// <param name="kafka">The tasks' Kafka clients, when not the brokers'.</param>
    public static WorkerHarness Start(string bootstrap, string converter = "org.apache.kafka.connect.storage.StringConverter", IDictionary<string, string>? extra = null, string? hocon = null,
        ITaskKafkaClients? kafka = null)
    {
        var dir = RepoPaths.NewTempDirectory("worker");
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = bootstrap,
            ["key.converter"] = converter,
            ["value.converter"] = converter,
            ["offset.storage.file.filename"] = Path.Combine(dir, "connect.offsets"),
            ["offset.flush.interval.ms"] = "500",
            ["consumer.session.timeout.ms"] = "10000",
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
        {
            props[k] = v;
        }

        return new WorkerHarness(props, dir, hocon, kafka);
    }

    /// <summary>Stops the worker cleanly and starts a new one on the same files (offsets, connector configs).</summary>
    public async Task RestartAsync()
    {
        await Worker.StopAsync();
        Worker = StartWorker();
    }

    private StandaloneWorker StartWorker()
    {
        var hocon = Akka.Configuration.ConfigurationFactory.ParseString(_hocon);
        var config = WorkerConfig.ParseStandalone(_props);
        return _kafka is null
            ? StandaloneWorker.Start(config, hocon, "test-worker", typeof(WorkerHarness).Assembly)
            : StandaloneWorker.Start(config, hocon, _kafka, "test-worker", typeof(WorkerHarness).Assembly);
    }

    public Task<string> CreateAsync(params (string Key, string Value)[] config) =>
        Worker.CreateConnectorAsync(config.ToDictionary(kv => kv.Key, kv => kv.Value));

    public async Task<ConnectorStatus> WaitForAsync(string connector, Func<ConnectorStatus, bool> condition, TimeSpan? timeout = null)
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

    public static string Describe(ConnectorStatus? s) => s is null ? "none" :
        $"{s.Name} {s.State} [{string.Join("; ", s.Tasks.Select(t => $"{t.Id}:{t.State} restarts={t.RestartCount} err={t.LastError} trace={t.Trace?.Split('\n')[0]}"))}] trace={s.Trace?.Split('\n')[0]}";

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
