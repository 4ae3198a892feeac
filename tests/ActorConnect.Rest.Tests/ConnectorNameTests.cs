using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

public sealed class NamesWorker : RestWorkerFixture;

/// <summary>
/// Every connector the API accepts can be reached by URL: a name no URL could reach is refused with 400 on every way
/// in, and every other name, however odd, is reached through the Location the API answered.
/// </summary>
[Collection("kafka")]
public sealed class ConnectorNameTests(KafkaFixture kafka, NamesWorker fixture) : RestTestBase<NamesWorker>(kafka, fixture), IClassFixture<NamesWorker>
{
    public static TheoryData<string, string> Unreachable => new()
    {
        { "a/b", "'/'" },
        { "/leading", "'/'" },
        { "..", "'..'" },
        { ".", "'.'" },
        { "a\nb", "control sequences" },
        { "nul\0byte", "control sequences" },
        { new string('n', 513), "at most 512 characters" },
    };

    public static TheoryData<string> Odd => new()
    {
        "a%2Fb", "a%252Fb", "%", "a b", "a?b#c", "a+b;c=d", "a\\b", "...", "a.", ".a", "ü-名前-😀", "${env:PATH}", new string('x', 512),
    };

    [Theory]
    [MemberData(nameof(Unreachable))]
    public async Task A_name_no_URL_can_reach_is_refused_with_400_and_not_stored(string name, string reason)
    {
        var reply = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = Source() });
        AssertError(reply, HttpStatusCode.BadRequest, reason);
        Assert.DoesNotContain(name, (await Rest.GetAsync("/connectors")).Json!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task A_name_too_long_for_the_API_is_refused_by_PUT_too()
    {
        var name = new string('p', 600);
        AssertError(await Rest.PutAsync($"/connectors/{name}/config", Source()), HttpStatusCode.BadRequest, "at most 512 characters");
        AssertError(await Rest.GetAsync($"/connectors/{name}"), HttpStatusCode.NotFound, name);
    }

    [Theory]
    [MemberData(nameof(Odd))]
    public async Task Every_name_accepted_is_reached_through_its_Location(string name)
    {
        var created = await Rest.PostAsync("/connectors", new JsonObject { ["name"] = name, ["config"] = Source() });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        var location = created.Headers.Location!.OriginalString;

        var info = await Rest.GetAsync(location);
        Assert.True(info.Status == HttpStatusCode.OK, $"GET {location}: {info}");
        Assert.Equal(name, info.Json!["name"]!.GetValue<string>());
        Assert.Equal(name, (await Rest.GetAsync(location + "/status")).Json!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.PutAsync(location + "/stop")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await Rest.DeleteAsync(location)).Status);
        Assert.DoesNotContain(name, (await Rest.GetAsync("/connectors")).Json!.AsArray().Select(n => n!.GetValue<string>()));
    }

    // A file that does not exist: the task waits for it, which is all these tests need.
    private JsonObject Source() => RestWorker.FileSource(FileIn(Guid.NewGuid().ToString("N") + ".txt"), "names-" + Guid.NewGuid().ToString("N")[..8]);
}
