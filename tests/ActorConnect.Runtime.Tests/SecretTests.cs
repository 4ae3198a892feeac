using System.Collections.Concurrent;
using ActorConnect.Runtime.Status;
using ActorConnect.Runtime.Tests.TestConnectors;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Event;

namespace ActorConnect.Runtime.Tests;

/// <summary>A secret given as ${env:...} reaches the task and nothing else: not configs, task configs, status or logs.</summary>
[Collection("kafka")]
public sealed class SecretTests(KafkaFixture kafka)
{
    [Fact]
    public async Task An_env_placeholder_is_resolved_for_the_task_and_never_shown_or_logged()
    {
        var topic = KafkaFixture.UniqueName("secret");
        await kafka.CreateTopicAsync(topic, 1);
        var variable = "ACTORCONNECT_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var secret = "s3cr3t-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, secret);
        var placeholder = "${env:" + variable + "}";
        var extra = kafka.WorkerBrokerSettings().ToDictionary(kv => kv.Key, kv => kv.Value);
        extra["config.providers"] = "env";
        extra["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider";
        await using var worker = WorkerHarness.Start(kafka.BootstrapServers, extra: extra);
        var logs = new ConcurrentQueue<string>();
        var listener = worker.Worker.System.ActorOf(Props.Create(() => new LogCollector(logs)));
        worker.Worker.System.EventStream.Subscribe(listener, typeof(LogEvent));

        var name = topic + "-src";
        await worker.Worker.CreateConnectorAsync(new Dictionary<string, string>
        {
            ["name"] = name,
            ["connector.class"] = typeof(SequenceSourceConnector).FullName!,
            ["topic"] = topic,
            ["tasks.max"] = "2",
            ["secret"] = placeholder,
        });
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
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains(secret, StringComparison.Ordinal));
    }

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(ConcurrentQueue<string> lines) => Receive<LogEvent>(e => lines.Enqueue($"{e.LogSource} {e.Message} {e.Cause}"));
    }
}
