using System.Reflection;
using ActorConnect.Api.Connector;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using Confluent.Kafka;

namespace ActorConnect.TestKit;

/// <summary>
/// Runs one connector through the real runtime (a standalone worker in this process, as ActorConnect.Hosting embeds
/// it) against librdkafka's in-process mock Kafka cluster: no broker to install, no plugin.path (the connector's own
/// assembly is loaded). Feed a sink with <see cref="ProduceAsync(string, string?, string?)"/>, read what a source
/// produced with <see cref="WaitForRecordsAsync"/>, and look at the connector with <see cref="StatusAsync"/>,
/// <see cref="RestartTaskAsync"/> and <see cref="OffsetsAsync"/>. Waits fail with <see cref="ConnectAssertionException"/>,
/// whose message carries the connector's status. Dispose it to stop the worker (offsets flushed) and the cluster.
/// <code>
/// await using var h = await ConnectorHarness.StartAsync&lt;MySourceConnector&gt;(new Dictionary&lt;string, string&gt; { ["topic"] = "out" });
/// RecordAssert.ValuesEqual(await h.WaitForRecordsAsync("out", 3), "a", "b", "c");
/// </code>
/// </summary>
public sealed class ConnectorHarness : IAsyncDisposable
{
    // Tests restart failed tasks quickly; the runtime's own defaults are for production.
    private const string Hocon = "actorconnect.task-restart { min-backoff = 100ms, max-backoff = 500ms }";

    private readonly MockKafkaCluster _cluster;
    private readonly WorkerConfig _workerConfig;
    private readonly Assembly _pluginAssembly;
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;

    private ConnectorHarness(MockKafkaCluster cluster, string directory, WorkerConfig workerConfig, Assembly pluginAssembly, string connectorName, TimeSpan timeout)
    {
        _cluster = cluster;
        _workerConfig = workerConfig;
        _pluginAssembly = pluginAssembly;
        WorkDirectory = directory;
        ConnectorName = connectorName;
        Timeout = timeout;
        Worker = StartWorker();
        _producer = new Lazy<IProducer<byte[]?, byte[]?>>(() =>
            new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build());
    }

    /// <summary>The running worker, for what the harness does not wrap (any <see cref="WorkerProtocol"/> request through <see cref="StandaloneWorker.AskAsync{T}"/>).</summary>
    public StandaloneWorker Worker { get; private set; }

    /// <summary>The mock cluster's <c>bootstrap.servers</c>, for clients of the test's own.</summary>
    public string BootstrapServers => _cluster.BootstrapServers;

    /// <summary>The connector's name.</summary>
    public string ConnectorName { get; }

    /// <summary>A temporary directory of the harness (the worker's offsets and connector configs), deleted on dispose.</summary>
    public string WorkDirectory { get; }

    /// <summary>How long each wait lasts before it fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Starts a worker on a new mock cluster and creates a <typeparamref name="TConnector"/> with <paramref name="config"/>.</summary>
    public static Task<ConnectorHarness> StartAsync<TConnector>(IReadOnlyDictionary<string, string> config, ConnectorHarnessOptions? options = null)
        where TConnector : Connector =>
        StartAsync(typeof(TConnector), config, options);

    /// <summary>
    /// Starts a worker on a new mock cluster and creates a connector of <paramref name="connectorType"/> with
    /// <paramref name="config"/> (<c>connector.class</c> is set for you; <c>name</c> defaults to the type's name). With
    /// <see cref="ConnectorHarnessOptions.WaitForRunning"/> (the default) it returns once the connector and its tasks run.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="connectorType"/> is not a connector.</exception>
    /// <exception cref="Api.Errors.ConfigException">The runtime refused the config (the message names the keys).</exception>
    /// <exception cref="ConnectAssertionException">The connector or a task failed, or did not run in time.</exception>
    public static async Task<ConnectorHarness> StartAsync(Type connectorType, IReadOnlyDictionary<string, string> config, ConnectorHarnessOptions? options = null)
    {
        if (!typeof(Connector).IsAssignableFrom(connectorType) || connectorType.IsAbstract)
        {
            throw new ArgumentException($"{connectorType.FullName} is not a concrete SourceConnector or SinkConnector; pass the connector class, not a task.", nameof(connectorType));
        }

        options ??= new ConnectorHarnessOptions();
        var connector = new Dictionary<string, string>(config)
        {
            [ConnectorConfig.ConnectorClass] = connectorType.FullName!,
        };
        connector.TryAdd(ConnectorConfig.Name, connectorType.Name);

        var cluster = new MockKafkaCluster();
        var directory = Directory.CreateTempSubdirectory("actorconnect-harness-").FullName;
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["key.converter"] = options.KeyConverter,
            ["value.converter"] = options.ValueConverter,
            ["offset.storage.file.filename"] = Path.Combine(directory, "connect.offsets"),
            ["offset.flush.interval.ms"] = "500",
        };
        foreach (var (key, value) in options.WorkerProperties)
        {
            props[key] = value;
        }

        ConnectorHarness? harness = null;
        try
        {
            foreach (var topic in options.Topics)
            {
                cluster.CreateTopic(topic);
            }

            harness = new ConnectorHarness(cluster, directory, WorkerConfig.ParseStandalone(props), connectorType.Assembly, connector[ConnectorConfig.Name], options.Timeout);
            await harness.Worker.CreateConnectorAsync(connector).ConfigureAwait(false);
            if (options.WaitForRunning)
            {
                await harness.WaitForRunningAsync().ConfigureAwait(false);
            }

            return harness;
        }
        catch
        {
            if (harness is not null)
            {
                await harness.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                cluster.Dispose();
                TryDelete(directory);
            }

            throw;
        }
    }

    /// <summary>Produces one record with UTF-8 text key and value (what the string converter reads), for a sink to consume.</summary>
    public Task ProduceAsync(string topic, string? key, string? value) =>
        ProduceAsync(topic, key is null ? null : System.Text.Encoding.UTF8.GetBytes(key), value is null ? null : System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>Produces one record of raw bytes to partition 0 of <paramref name="topic"/> (created by the first record).</summary>
    public async Task ProduceAsync(string topic, byte[]? key, byte[]? value, IReadOnlyList<KeyValuePair<string, byte[]?>>? headers = null)
    {
        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value, Headers = [] };
        foreach (var (name, bytes) in headers ?? [])
        {
            message.Headers.Add(name, bytes);
        }

        await _producer.Value.ProduceAsync(new Confluent.Kafka.TopicPartition(topic, 0), message).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from its start until it holds at least <paramref name="count"/> records and returns
    /// them all (partition by partition, each in offset order); throws <see cref="ConnectAssertionException"/> listing what arrived and
    /// the connector's status when fewer arrive in time.
    /// </summary>
    public async Task<IReadOnlyList<ProducedRecord>> WaitForRecordsAsync(string topic, int count, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var records = await Task.Run(() => TopicReader.Read(BootstrapServers, topic, count, limit)).ConfigureAwait(false);
        if (records.Count >= count)
        {
            return records;
        }

        var shown = string.Join(Environment.NewLine, records.Take(20).Select(r => "  " + r));
        throw new ConnectAssertionException(
            $"Expected at least {count} records in topic \"{topic}\" within {limit.TotalSeconds:0.#} s, but it holds {records.Count}" +
            (records.Count == 0 ? "." : ":" + Environment.NewLine + shown + (records.Count > 20 ? $"{Environment.NewLine}  ... {records.Count - 20} more" : "")) +
            Environment.NewLine + await DescribeAsync().ConfigureAwait(false));
    }

    /// <summary>Every record <paramref name="topic"/> holds now (none when it does not exist yet).</summary>
    public async Task<IReadOnlyList<ProducedRecord>> ConsumeAsync(string topic) =>
        await Task.Run(() => TopicReader.Read(BootstrapServers, topic, 0, TimeSpan.Zero)).ConfigureAwait(false);

    /// <summary>The connector's status and its tasks'.</summary>
    public Task<ConnectorStatus> StatusAsync() => Worker.StatusAsync(ConnectorName);

    /// <summary>One task's status; throws when the connector has no such task.</summary>
    public async Task<ConnectorTaskStatus> TaskStatusAsync(int task = 0) =>
        (await StatusAsync().ConfigureAwait(false)).Tasks.FirstOrDefault(t => t.Id == task)
        ?? throw new ConnectAssertionException($"Connector \"{ConnectorName}\" has no task {task}. {await DescribeAsync().ConfigureAwait(false)}");

    /// <summary>Waits until <paramref name="condition"/> holds on the connector's status; the failure names <paramref name="description"/> and the last status.</summary>
    public async Task<ConnectorStatus> WaitForStatusAsync(Func<ConnectorStatus, bool> condition, string description, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var deadline = DateTime.UtcNow + limit;
        ConnectorStatus? last = null;
        while (true)
        {
            try
            {
                last = await StatusAsync().ConfigureAwait(false);
                if (condition(last))
                {
                    return last;
                }
            }
            catch (Api.Errors.NotFoundException)
            {
                // Not created yet, or being replaced: the condition cannot hold yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ConnectAssertionException($"Connector \"{ConnectorName}\" never reached: {description} (waited {limit.TotalSeconds:0.#} s). Last status: {Describe(last)}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (checked every 50 ms), for what a test checks outside Kafka: the
    /// file or table a sink writes, an offset. The failure names <paramref name="description"/> and the connector's status.
    /// </summary>
    public async Task WaitUntilAsync(Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Timeout;
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition().ConfigureAwait(false))
                {
                    return;
                }

                last = null;
            }
            catch (Exception e) when (e is not ConnectAssertionException)
            {
                // A condition may throw while the state it reads is half-written; keep the error for the report.
                last = e;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new ConnectAssertionException(
                    $"Never true within {limit.TotalSeconds:0.#} s: {description}.{(last is null ? "" : $" Last error: {last.Message}")}{Environment.NewLine}{await DescribeAsync().ConfigureAwait(false)}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>As <see cref="WaitUntilAsync(Func{Task{bool}}, string, TimeSpan?)"/>, with a condition that does not await.</summary>
    public Task WaitUntilAsync(Func<bool> condition, string description, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), description, timeout);

    /// <summary>Waits until the connector and at least one task run, and no task has failed (which fails at once, with its trace).</summary>
    public Task<ConnectorStatus> WaitForRunningAsync(TimeSpan? timeout = null) =>
        WaitForStatusAsync(s =>
        {
            if (s.State == ConnectState.Failed || s.HasFailedTasks)
            {
                throw new ConnectAssertionException($"Connector \"{ConnectorName}\" failed instead of running. Status: {Describe(s)}");
            }

            return s.State == ConnectState.Running && s.Tasks.Count > 0 && s.Tasks.All(t => t.State == ConnectState.Running);
        }, "RUNNING with every task RUNNING", timeout);

    /// <summary>Restarts one task (as <c>POST /connectors/{name}/tasks/{task}/restart</c>); returns once the runtime accepted it.</summary>
    public Task RestartTaskAsync(int task = 0) =>
        Worker.AskAsync<Akka.Actor.Status.Success>(new WorkerProtocol.RestartTask(ConnectorName, task));

    /// <summary>The connector's committed offsets (as <c>GET /connectors/{name}/offsets</c>): source partitions and offsets, or a sink's Kafka offsets.</summary>
    public async Task<IReadOnlyList<ConnectorOffset>> OffsetsAsync() =>
        (await Worker.AskAsync<WorkerProtocol.ConnectorOffsets>(new WorkerProtocol.GetOffsets(ConnectorName)).ConfigureAwait(false)).Offsets;

    /// <summary>
    /// Stops the worker cleanly (offsets flushed) and starts a new one on the same offsets, connector configs and
    /// cluster: the connector resumes as after a restart of the process. Waits for it to run again, as
    /// <see cref="StartAsync(Type, IReadOnlyDictionary{string, string}, ConnectorHarnessOptions?)"/> does.
    /// </summary>
    public async Task RestartWorkerAsync(bool waitForRunning = true)
    {
        await Worker.StopAsync().ConfigureAwait(false);
        Worker = StartWorker();
        if (waitForRunning)
        {
            await WaitForRunningAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the worker (offsets flushed), the producer and the mock cluster, and deletes <see cref="WorkDirectory"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Worker.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            if (_producer.IsValueCreated)
            {
                _producer.Value.Dispose();
            }

            _cluster.Dispose();
            TryDelete(WorkDirectory);
        }
    }

    private StandaloneWorker StartWorker() =>
        StandaloneWorker.Start(_workerConfig, Akka.Configuration.ConfigurationFactory.ParseString(Hocon), "connector-harness", _pluginAssembly);

    private async Task<string> DescribeAsync()
    {
        try
        {
            return "Connector status: " + Describe(await StatusAsync().ConfigureAwait(false));
        }
        catch (Exception e)
        {
            return $"Connector status unavailable: {e.Message}";
        }
    }

    private static string Describe(ConnectorStatus? s) => s is null
        ? "none"
        : $"{s.Name} {Upper(s.State)}{FirstLine(s.Trace)}; " + (s.Tasks.Count == 0
            ? "no tasks"
            : string.Join("; ", s.Tasks.Select(t => $"task {t.Id} {Upper(t.State)}{(t.RestartCount > 0 ? $" (restarted {t.RestartCount}x)" : "")}{FirstLine(t.Trace ?? t.LastError)}")));

    // As Kafka Connect's REST API spells states.
    private static string Upper(ConnectState state) => state.ToString().ToUpperInvariant();

    private static string FirstLine(string? trace) => trace is null ? "" : ": " + trace.Split('\n')[0].Trim();

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (a task that did not stop) must not fail the test that is ending.
        }
    }
}
