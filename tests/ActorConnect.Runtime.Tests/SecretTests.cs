using System.Collections.Concurrent;
using System.Diagnostics;
using ActorConnect.Runtime.Metrics;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>A secret given as ${env:...} reaches the task and nothing else: not configs, task configs, status, logs or traces.</summary>
[Collection("kafka")]
public sealed class SecretTests(KafkaFixture kafka)
{
    private const string Prefix = "ACTORCONNECT_TEST_SECRET_";

    [Fact]
    public async Task An_env_placeholder_is_resolved_for_the_task_and_never_shown_or_logged()
    {
        var topic = KafkaFixture.UniqueName("secret");
        await kafka.CreateTopicAsync(topic, 1);
        var (secret, placeholder) = Secret();
        await using var worker = StartWorker();
        var logs = LogLines.Capture(worker.Worker.System);

        var name = topic + "-src";
        await CreateSourceAsync(worker, name, topic, tasks: 2, placeholder);
        await worker.WaitForAsync(name, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running));
        Assert.Equal(secret, TestRegistry.SecretsSeen[name]);

        var config = await worker.Worker.AskAsync<IReadOnlyDictionary<string, string>>(new WorkerProtocol.GetConnectorConfig(name));
        Assert.Equal(placeholder, config["secret"]);
        var tasks = await worker.Worker.AskAsync<IReadOnlyList<TaskInfo>>(new WorkerProtocol.GetTaskConfigs(name));
        Assert.All(tasks, t => Assert.Equal(placeholder, t.Config["secret"]));
        var info = await worker.Worker.AskAsync<ConnectorInfo>(new WorkerProtocol.GetConnectorInfo(name));
        Assert.Equal(placeholder, info.Config["secret"]);

        // A config change and a restart log again; still no secret.
        await worker.Worker.AskAsync<WorkerProtocol.RestartStarted>(new WorkerProtocol.RestartConnector(name, IncludeTasks: true));
        await worker.WaitForAsync(name, s => s.Tasks.Count == 2 && s.Tasks.All(t => t.State == ConnectState.Running && t.RestartCount == 1));
        Assert.NotEmpty(logs.All);
        Assert.Empty(logs.Containing(secret));
    }

    [Fact]
    public async Task A_task_failure_quoting_a_secret_shows_its_placeholder_in_the_trace_the_log_and_the_span()
    {
        var topic = KafkaFixture.UniqueName("secret-fail");
        await kafka.CreateTopicAsync(topic, 1);
        var (secret, placeholder) = Secret();
        var name = topic + "-src";
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TaskTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("connect.connector") as string == name)
                {
                    spans.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var worker = StartWorker();
        var logs = LogLines.Capture(worker.Worker.System);
        TestRegistry.FailQuotingSecret[name] = true;

        await CreateSourceAsync(worker, name, topic, tasks: 1, placeholder);
        var status = await worker.WaitForAsync(name, s => s.Tasks.Count == 1 && s.Tasks[0].Trace is not null);

        // The outer message, the inner exception's and the stack trace all quoted it.
        var trace = status.Tasks[0].Trace!;
        Assert.Contains($"cannot log in with {placeholder}", trace, StringComparison.Ordinal);
        Assert.Contains($"the server refused {placeholder}", trace, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, trace, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => logs.Containing($"the server refused {placeholder}").Count > 0, TimeSpan.FromSeconds(30));
        Assert.Empty(logs.Containing(secret));
        var failed = spans.Where(s => s.Status == ActivityStatusCode.Error).ToList();
        Assert.NotEmpty(failed);
        Assert.All(failed, s => Assert.Equal($"cannot log in with {placeholder}", s.StatusDescription));
    }

    private WorkerHarness StartWorker()
    {
        var extra = kafka.WorkerBrokerSettings().ToDictionary(kv => kv.Key, kv => kv.Value);
        extra["config.providers"] = "env";
        extra["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
        extra["config.providers.env.param.allowlist.pattern"] = Prefix + ".*";
        return WorkerHarness.Start(kafka.BootstrapServers, extra: extra);
    }

    /// <summary>A SequenceSource whose "secret" key is <paramref name="placeholder"/>.</summary>
    private static Task<string> CreateSourceAsync(WorkerHarness worker, string name, string topic, int tasks, string placeholder) =>
        worker.Worker.CreateConnectorAsync(new Dictionary<string, string>
        {
            ["name"] = name,
            ["connector.class"] = typeof(SequenceSourceConnector).FullName!,
            ["topic"] = topic,
            ["tasks.max"] = tasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["secret"] = placeholder,
        });

    /// <summary>A new environment variable the test worker may read; its value and its placeholder.</summary>
    private static (string Secret, string Placeholder) Secret()
    {
        var variable = Prefix + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, secret);
        return (secret, "${env:" + variable + "}");
    }
}
