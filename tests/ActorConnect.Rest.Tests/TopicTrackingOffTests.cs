using System.Net;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

/// <summary>A worker with Kafka Connect's topic tracking switched off.</summary>
public sealed class TrackingOffWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string> { ["topic.tracking.enable"] = "false" };
}

/// <summary>With <c>topic.tracking.enable=false</c> the topics endpoints answer 403, as Kafka Connect's do.</summary>
[Collection("kafka")]
public sealed class TopicTrackingOffTests(KafkaFixture kafka, TrackingOffWorker fixture) : RestTestBase<TrackingOffWorker>(kafka, fixture), IClassFixture<TrackingOffWorker>
{
    [Fact]
    public async Task Topics_endpoints_are_403()
    {
        var name = Unique("untracked");
        await Rest.CreateAsync(name, RestWorker.FileSource(FileIn(name + ".txt"), Unique("topic")));
        AssertError(await Rest.GetAsync($"/connectors/{name}/topics"), HttpStatusCode.Forbidden, "topic.tracking.enable");
        AssertError(await Rest.PutAsync($"/connectors/{name}/topics/reset"), HttpStatusCode.Forbidden, "topic.tracking.enable");
    }
}
