using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Cluster.Tests;

/// <summary>
/// Three <c>actorconnect distributed</c> processes whose worker.properties reach Kafka only over TLS (issue 16,
/// section 1): the internal config, offset and status topics, and the tasks' clients, all through the SSL listener.
/// </summary>
[Collection("kafka-tls")]
public sealed class DistributedTlsTests(TlsKafkaFixture kafka, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Three_workers_on_a_TLS_broker_keep_their_internal_topics_there_and_run_a_connector_created_over_REST()
    {
        const int lines = 2_000;
        var dir = RepoPaths.NewTempDirectory("distributed-tls");
        var group = KafkaFixture.UniqueName("connect-tls");
        var (configs, offsets, statuses, topic) = (group + "-configs", group + "-offsets", group + "-status", group + "-data");
        await kafka.CreateTopicAsync(configs, 1);
        await kafka.CreateTopicAsync(offsets, 3);
        await kafka.CreateTopicAsync(statuses, 2);
        await kafka.CreateTopicAsync(topic, 3);
        var input = Path.Combine(dir, "input.txt");
        var sinkFile = Path.Combine(dir, "sink.txt");
        var expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D5}").ToArray();
        await File.WriteAllLinesAsync(input, expected);

        var restPorts = Enumerable.Range(0, 3).Select(_ => ProcessCluster.FreePort()).ToList();
        var nodes = new List<ProcessRunner>();
        try
        {
            // One file for the three, as Kafka Connect's workers share one: no seed nodes, any free cluster port, the
            // REST port from the environment.
            var file = Path.Combine(dir, "worker.properties");
            await File.WriteAllTextAsync(file, $$"""
                bootstrap.servers={{kafka.BootstrapServers}}
                {{TlsKafkaFixture.WorkerBrokerProperties}}
                security.protocol=SSL
                ssl.truststore.location={{kafka.Material.TrustStore("JKS")}}
                ssl.truststore.password={{TlsMaterial.Password}}
                key.converter=org.apache.kafka.connect.storage.StringConverter
                value.converter=org.apache.kafka.connect.storage.StringConverter
                offset.flush.interval.ms=500
                group.id={{group}}
                config.storage.topic={{configs}}
                offset.storage.topic={{offsets}}
                status.storage.topic={{statuses}}
                cluster.hostname=127.0.0.1
                cluster.port=0
                listeners=http://127.0.0.1:${env:{{ProcessCluster.RestPortVariable}}}
                config.providers=env
                config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
                config.providers.env.param.allowlist.pattern={{ProcessCluster.RestPortVariable}}
                """);
            for (var i = 0; i < 3; i++)
            {
                var node = ProcessRunner.Start("dotnet", [ProcessCluster.HostDll, "distributed", file], new Dictionary<string, string?> { [ProcessCluster.RestPortVariable] = restPorts[i].ToString() },
                    workingDirectory: dir, name: $"tls-node{i}", echo: Echo);
                nodes.Add(node);
                await node.WaitForOutputAsync("distributed worker started", Timeout);
            }

            foreach (var node in nodes)
            {
                await node.WaitForOutputAsync("(3 Up)", Timeout);
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
            var source = new { name = group + "-source", config = new Dictionary<string, string> { ["connector.class"] = "FileStreamSource", ["file"] = input, ["topic"] = topic } };
            var sink = new { name = group + "-sink", config = new Dictionary<string, string> { ["connector.class"] = "FileStreamSink", ["file"] = sinkFile, ["topics"] = topic } };
            foreach (var connector in new object[] { source, sink })
            {
                using var created = await http.PostAsJsonAsync($"http://127.0.0.1:{restPorts[0]}/connectors", connector);
                Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            }

            await Eventually.AssertAsync(() => ReadLinesShared(sinkFile).Distinct().Count() >= lines, Timeout, "every line crosses the SSL listener");
            // Every node reads the status topic over TLS and answers the same: both connectors' tasks RUNNING, cleanly.
            foreach (var rest in restPorts)
            {
                foreach (var name in new[] { source.name, sink.name })
                {
                    await Eventually.AssertAsync(async () =>
                    {
                        var status = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{rest}/connectors/{name}/status"))!;
                        Assert.Equal("RUNNING", status["connector"]!["state"]!.GetValue<string>());
                        var task = status["tasks"]!.AsArray().Single()!;
                        Assert.Equal("RUNNING", task["state"]!.GetValue<string>());
                        Assert.Null(task["last_error"]);
                    }, Timeout);
                }
            }

            var written = ReadLinesShared(sinkFile);
            Assert.Empty(expected.Except(written));
            Assert.Empty(written.Except(expected));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
                await File.WriteAllLinesAsync(Path.Combine(dir, node.Name + ".log"), node.Lines);
            }

            output.WriteLine($"node logs in {dir}");
        }
    }

    private static string[] ReadLinesShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private void Echo(string line)
    {
        if (line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("WRN]", StringComparison.Ordinal) || line.Contains("distributed worker", StringComparison.Ordinal))
        {
            try
            {
                output.WriteLine(line);
            }
            catch (InvalidOperationException)
            {
                // The test has ended; the line is still in the node's log.
            }
        }
    }
}
