using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Cluster.Sharding;
using ActorConnect.Cluster.Wire;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Wire;
using Akka.Actor;
using Akka.Serialization;
using ActorConnect.Cluster.Config;

namespace ActorConnect.Cluster.Tests.Wire;

/// <summary>
/// The wire format between nodes, through Akka's serialization as a cluster node configures it. The golden files in
/// Wire/golden are bytes written by earlier versions: each must still read as the message beside it (.json), so a
/// change that would break a rolling upgrade fails here. A new message type gets its golden file with
/// ACTORCONNECT_WRITE_GOLDEN=1; an existing golden file is never rewritten (add a new one beside it instead).
/// </summary>
public sealed class ClusterMessageSerializerTests(ClusterMessageSerializerTests.NodeSystem node) : IClassFixture<ClusterMessageSerializerTests.NodeSystem>
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>One ActorSystem configured as a cluster node for the whole class: each one takes seconds to shut down.</summary>
    private ActorSystem Sys => node.System;

    public static TheoryData<string> Manifests() => new(WireSamples.All.Keys);

    public static TheoryData<string> GoldenFiles() =>
        new(Directory.GetFiles(GoldenDirectory(), "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void Every_type_that_crosses_nodes_has_a_sample_and_a_golden_file()
    {
        var types = new[] { typeof(IClusterMessage).Assembly, typeof(ClusterMessageSerializer).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => typeof(IClusterMessage).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false })
            .ToList();
        var sampled = WireSamples.All.Values.Select(m => m.GetType()).ToHashSet();
        Assert.All(types, t => Assert.True(sampled.Contains(t), $"{t.FullName} implements IClusterMessage but has no sample in WireSamples: add one with every field set"));

        var missing = new List<string>();
        foreach (var (manifest, sample) in WireSamples.All)
        {
            Assert.Equal(manifest, ((SerializerWithStringManifest)Serializer(sample)).Manifest(sample));
            var golden = Path.Combine(GoldenDirectory(), manifest + ".v1.bin");
            if (File.Exists(golden))
            {
                continue;
            }

            if (Environment.GetEnvironmentVariable("ACTORCONNECT_WRITE_GOLDEN") == "1")
            {
                File.WriteAllBytes(golden, Serializer(sample).ToBinary(sample));
                File.WriteAllText(Path.ChangeExtension(golden, ".json"), Render(sample).ToJsonString(Json) + "\n");
            }
            else
            {
                missing.Add(manifest);
            }
        }

        Assert.True(missing.Count == 0, $"No golden file for {string.Join(", ", missing)}: run this test once with ACTORCONNECT_WRITE_GOLDEN=1 and commit the files it writes in Wire/golden");
    }

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Bytes_an_earlier_version_wrote_still_read_as_the_same_message(string file)
    {
        var path = Path.Combine(GoldenDirectory(), file);
        var manifest = file[..file.IndexOf('.')];
        var message = Sys.Serialization.Deserialize(File.ReadAllBytes(path), SerializerId, manifest);

        var expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")))!;
        AssertHolds(expected, Render(message), file);
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Each_message_comes_back_equal_through_its_own_serializer(string manifest)
    {
        var sample = WireSamples.All[manifest];
        Assert.IsType<ClusterMessageSerializer>(Serializer(sample));

        var back = RoundTrip(sample);

        Assert.Equal(sample.GetType(), back.GetType());
        Assert.Equal(Render(sample).ToJsonString(), Render(back).ToJsonString());
    }

    [Fact]
    public void Absent_optional_parts_come_back_absent()
    {
        Assert.All(WireSamples.Sparse, sample => Assert.Equal(Render(sample).ToJsonString(), Render(RoundTrip(sample)).ToJsonString()));
    }

    [Fact]
    public void A_task_restart_acknowledged_on_another_node_keeps_the_task_id()
    {
        var success = new Status.Success(new ConnectorTaskId("orders/eu", 3));

        var back = Assert.IsType<Status.Success>(RoundTrip(success));

        Assert.Equal(success.Status, back.Status);
        Assert.IsType<ClusterMessageSerializer>(Sys.Serialization.FindSerializerFor(success.Status));
    }

    [Fact]
    public void A_refusal_from_another_node_keeps_its_type_and_message()
    {
        var failure = new Status.Failure(new ConflictException("Task orders-3 is not running"));

        var back = Assert.IsType<Status.Failure>(RoundTrip(failure));

        Assert.IsType<ConflictException>(back.Cause);
        Assert.Equal("Task orders-3 is not running", back.Cause.Message);
    }

    [Fact]
    public void A_failure_that_is_not_ours_keeps_akkas_own_format()
    {
        var failure = new Status.Failure(new TimeoutException("no answer"));

        var back = Assert.IsType<Status.Failure>(RoundTrip(failure));

        Assert.IsType<TimeoutException>(back.Cause);
        Assert.Equal("no answer", back.Cause.Message);
    }

    [Fact]
    public void A_message_from_a_newer_node_is_refused_naming_its_manifest_and_the_rule()
    {
        var e = Assert.ThrowsAny<Exception>(() => Sys.Serialization.Deserialize([], SerializerId, "connector-from-the-future"));

        Assert.Contains("connector-from-the-future", e.Message);
        Assert.Contains("rolling upgrade", e.Message);
    }

    [Fact]
    public void Fields_a_newer_node_adds_are_skipped()
    {
        var sample = new TaskEntityProtocol.Applied("orders/eu", 7, true);
        var bytes = Serializer(sample).ToBinary(sample).Concat(new WireWriter().String(99, "new").Int(100, 42).ToArray()).ToArray();

        Assert.Equal(sample, Sys.Serialization.Deserialize(bytes, SerializerId, "task-applied"));
    }

    private int SerializerId => Sys.Serialization.FindSerializerForType(typeof(IClusterMessage)).Identifier;

    private Serializer Serializer(object message) => Sys.Serialization.FindSerializerFor(message);

    private object RoundTrip(object message)
    {
        var serializer = Serializer(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
    }

    /// <summary>The message as JSON, with each nested cluster message's manifest, so that two singletons differ.</summary>
    private static JsonNode Render(object message)
    {
        if (message is Status.Failure failure)
        {
            return new JsonObject { ["$manifest"] = "failure", ["Type"] = failure.Cause.GetType().FullName, ["Message"] = failure.Cause.Message };
        }

        var node = JsonSerializer.SerializeToNode(message, message.GetType())!;
        if (node is JsonObject obj)
        {
            obj["$manifest"] = ClusterMessageFormats.For(message).Manifest;
            foreach (var property in message.GetType().GetProperties())
            {
                if (property.GetValue(message) is IClusterMessage nested && property.PropertyType == typeof(object))
                {
                    obj[property.Name] = Render(nested);
                }
            }
        }

        return node;
    }

    /// <summary>Every value the golden file's message had is there; properties added since (with defaults) may be too.</summary>
    private static void AssertHolds(JsonNode? expected, JsonNode? actual, string where)
    {
        switch (expected)
        {
            case JsonObject obj:
                var actualObj = Assert.IsType<JsonObject>(actual);
                foreach (var (key, value) in obj)
                {
                    Assert.True(actualObj.ContainsKey(key), $"{where}: {key} is gone; a renamed property needs its golden .json updated, a removed field breaks older nodes");
                    AssertHolds(value, actualObj[key], $"{where}.{key}");
                }

                break;
            case JsonArray array:
                var actualArray = Assert.IsType<JsonArray>(actual);
                Assert.Equal(array.Count, actualArray.Count);
                for (var i = 0; i < array.Count; i++)
                {
                    AssertHolds(array[i], actualArray[i], $"{where}[{i}]");
                }

                break;
            default:
                Assert.True(JsonNode.DeepEquals(expected, actual), $"{where}: expected {expected?.ToJsonString() ?? "null"}, read {actual?.ToJsonString() ?? "null"}");
                break;
        }
    }

    private static string GoldenDirectory([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "golden");

    /// <summary>The serialization of a cluster node (hocon/cluster.conf), shared by the class's tests, which only read it.</summary>
    public sealed class NodeSystem : IDisposable
    {
        public ActorSystem System { get; } = ActorSystem.Create("wire",
            Akka.Configuration.ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }")
                .WithFallback(ClusterSettings.DefaultConfig()));

        public void Dispose() => System.Terminate().Wait(TimeSpan.FromSeconds(30));
    }
}
