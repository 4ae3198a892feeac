using System.Net;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using static ActorConnect.Rest.Tests.ConnectorsEndpointsTests;

namespace ActorConnect.Rest.Tests;

public sealed class BadInputWorker : RestWorkerFixture;

/// <summary>What a careless client sends gets a clear 4xx in Kafka Connect's error body, never a 500, and the worker keeps answering.</summary>
[Collection("kafka")]
public sealed class BadInputTests(KafkaFixture kafka, BadInputWorker fixture) : RestTestBase<BadInputWorker>(kafka, fixture), IClassFixture<BadInputWorker>
{
    public static TheoryData<string, string, string?, string, int, string> Cases => new()
    {
        { "malformed JSON", "POST /connectors", "{\"name\": \"x\", \"config\": {", "application/json", 400, "not valid JSON" },
        { "not an object", "POST /connectors", "[1,2]", "application/json", 400, "wrong type" },
        { "config is a list", "POST /connectors", "{\"name\":\"x\",\"config\":[\"a\"]}", "application/json", 400, "wrong type" },
        { "nested config value", "PUT /connectors/x/config", "{\"connector.class\":{\"a\":1}}", "application/json", 400, "'connector.class'" },
        { "null body", "PUT /connectors/x/config", "null", "application/json", 400, "JSON object" },
        { "empty body", "PUT /connectors/x/config", "", "application/json", 400, "JSON object" },
        { "missing name", "POST /connectors", "{\"config\":{\"connector.class\":\"FileStreamSource\"}}", "application/json", 400, "name" },
        { "wrong content type", "POST /connectors", "name=x", "text/plain", 415, "Content-Type: application/json" },
        { "form post", "PUT /connectors/x/config", "a=b", "application/x-www-form-urlencoded", 415, "Content-Type: application/json" },
        { "unknown route", "GET /no/such/thing", null, "application/json", 404, "Unknown endpoint GET /no/such/thing" },
        { "unknown sub-route", "GET /connectors/x/whatever", null, "application/json", 404, "Unknown endpoint" },
        { "wrong method", "DELETE /connector-plugins", null, "application/json", 405, "use GET" },
        { "wrong method on status", "POST /connectors/x/status", null, "application/json", 405, "Method POST is not allowed" },
        { "includeTasks=maybe", "POST /connectors/x/restart?includeTasks=maybe", null, "application/json", 400, "use true or false" },
        { "unknown plugin", "GET /connector-plugins/NoSuchConnector/config", null, "application/json", 404, "NoSuchConnector" },
        { "unknown plugin class", "POST /connectors", "{\"name\":\"p\",\"config\":{\"connector.class\":\"com.example.Missing\"}}", "application/json", 400, "com.example.Missing" },
        { "misspelt plugin", "PUT /connector-plugins/FileStreamSorce/config/validate", "{\"connector.class\":\"FileStreamSorce\"}", "application/json", 404, "Did you mean FileStreamSource" },
        { "misspelt connector.class", "POST /connectors", "{\"name\":\"p\",\"config\":{\"connector.class\":\"FileStreamSinc\",\"topics\":\"t\"}}", "application/json", 400, "Did you mean FileStreamSink" },
        { "offsets not an object", "PATCH /connectors/x/offsets", "{\"offsets\":[{\"partition\":{\"a\":[1]},\"offset\":null}]}", "application/json", 400, "'a'" },
        { "logger level missing", "PUT /admin/loggers/ActorConnect", "{}", "application/json", 400, "'level'" },
        { "logger scope unknown", "PUT /admin/loggers/ActorConnect?scope=galaxy", "{\"level\":\"INFO\"}", "application/json", 400, "scope" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Refused_with_a_clear_error_and_the_worker_still_answers(string what, string request, string? body, string contentType, int status, string messagePart)
    {
        var (method, path) = (request.Split(' ')[0], request.Split(' ')[1]);
        var reply = await Rest.SendAsync(new HttpMethod(method), path, body, contentType);
        Assert.True((int)reply.Status == status, $"{what}: expected {status}, got {reply}");
        AssertError(reply, (HttpStatusCode)status, messagePart);
        Assert.Equal(HttpStatusCode.OK, (await Rest.GetAsync("/connectors")).Status);
    }

    [Fact]
    public async Task Body_over_one_MiB_is_413()
    {
        var huge = new JsonObject { ["name"] = "huge", ["config"] = new JsonObject { ["connector.class"] = "FileStreamSource", ["junk"] = new string('x', 2 * 1024 * 1024) } };
        // As curl does for a large body, the client asks first (Expect: 100-continue): the server refuses on the declared
        // length and closes the connection without reading 2 MiB, so a client that sent the body regardless could
        // meet a broken pipe before it read the answer (it did, once in about twenty runs).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connectors")
        {
            Content = new StringContent(huge.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        using var response = await Rest.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(413, body["error_code"]!.GetValue<int>());
        Assert.Contains("1 MiB", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Rest.GetAsync("/connectors")).Status);
    }

    [Fact]
    public async Task Chunked_body_over_one_MiB_is_413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/connectors/chunked/config")
        {
            Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"junk\":\"" + new string('y', 2 * 1024 * 1024) + "\"}"))),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await Rest.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("1 MiB", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
