using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorConnect.Hosting.Tests;

/// <summary>An application with its own ActorSystem and actors (Akka.Hosting) runs ActorConnect inside it.</summary>
[Collection("kafka")]
public sealed class EmbeddingTests(KafkaFixture kafka)
{
    [Fact]
    public async Task An_Akka_Hosting_application_runs_a_connector_beside_its_own_actors_and_flushes_offsets_when_it_stops()
    {
        var topic = KafkaFixture.UniqueName("embedded");
        await kafka.CreateTopicAsync(topic, 1);
        var dir = RepoPaths.NewTempDirectory("embedded");
        var input = Path.Combine(dir, "app.log");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, 500).Select(i => $"event {i}"));
        var offsets = Path.Combine(dir, "connect.offsets");
        var worker = new Dictionary<string, string>(kafka.WorkerBrokerSettings())
        {
            ["bootstrap.servers"] = kafka.BootstrapServers,
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = offsets,
            ["offset.flush.interval.ms"] = "600000",
        };

        using var host = new HostBuilder()
            .ConfigureServices(services => services.AddAkka("my-app", builder => builder
                .WithActorConnect(worker, "my-app:embedded")
                .WithActors((system, registry) => registry.Register<Greeter>(system.ActorOf(Props.Create(() => new GreeterActor()), "greeter")))))
            .Build();
        await host.StartAsync();

        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var connect = await registry.GetAsync<ActorConnectWorker>();
        var name = topic + "-source";
        await connect.Ask<ConnectorInfo>(new WorkerProtocol.CreateConnector(new Dictionary<string, string>
        {
            ["name"] = name,
            ["connector.class"] = "FileStreamSource",
            ["file"] = input,
            ["topic"] = topic,
        }), TimeSpan.FromSeconds(30));
        await Eventually.AssertAsync(async () => await kafka.HighWatermarkAsync(topic) == 500, TimeSpan.FromSeconds(60), "the application's log reaches Kafka");
        Assert.Equal("hello ActorConnect", await (await registry.GetAsync<Greeter>()).Ask<string>("ActorConnect", TimeSpan.FromSeconds(5)));

        // The application reads the worker's metrics with a message, as GET /metrics does, and exports them as it likes.
        await Eventually.AssertAsync(async () =>
        {
            var metrics = await connect.Ask<WorkerProtocol.MetricsText>(WorkerProtocol.GetMetrics.Instance, TimeSpan.FromSeconds(10));
            Assert.Contains($"kafka_connect_source_task_metrics_source_record_write_total{{connector=\"{name}\",task=\"0\"}} 500\n", metrics.Text, StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(30));

        // A task stopped cleanly logs "Task <id> stopped" after storing its offsets and calling stop(); a task that is
        // merely killed with the system stores what it can but never says so.
        var system = host.Services.GetRequiredService<ActorSystem>();
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new LogCollector(logs))), typeof(Akka.Event.Info));
        await host.StopAsync();
        Assert.Contains(logs, l => l.Contains($"Task {name}-0 stopped", StringComparison.Ordinal));
        Assert.Contains("\"position\"", await File.ReadAllTextAsync(offsets));
        Assert.Contains(name, await File.ReadAllTextAsync(offsets));
    }

    private sealed class Greeter;

    private sealed class LogCollector : ReceiveActor
    {
        public LogCollector(System.Collections.Concurrent.ConcurrentQueue<string> lines) => Receive<Akka.Event.Info>(e => lines.Enqueue(e.Message?.ToString() ?? string.Empty));
    }

    private sealed class GreeterActor : ReceiveActor
    {
        public GreeterActor() => Receive<string>(who => Sender.Tell($"hello {who}"));
    }
}
