using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>
/// A worker with the env and file config providers opened as wide as an operator can (every variable, every file
/// under /etc): the worst case for leaks, since every placeholder the fuzz sends resolves.
/// </summary>
public sealed class FuzzWorker : RestWorkerFixture
{
    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["config.providers"] = "env,file",
        ["config.providers.env.class"] = "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        ["config.providers.env.param.allowlist.pattern"] = ".*",
        ["config.providers.file.class"] = "org.apache.kafka.common.config.provider.FileConfigProvider",
        ["config.providers.file.param.allowed.paths"] = "/etc",
    };
}

/// <summary>
/// A fuzz pass over every route the REST server maps (read from its route table, so a new endpoint is fuzzed too):
/// hostile path values (traversal, encoded separators, control characters, placeholders, oversized), hostile query
/// values and hostile bodies (malformed, wrongly typed, oversized, placeholders), against connectors whose configs hold
/// placeholders. No answer is a 5xx, and no answer carries the value a placeholder stands for.
/// </summary>
[Collection("kafka")]
public sealed class FuzzTests(KafkaFixture kafka, FuzzWorker fixture) : RestTestBase<FuzzWorker>(kafka, fixture), IClassFixture<FuzzWorker>
{
    private const string Source = "fuzz-source";
    private const string Sink = "fuzz-sink";
    private static readonly string SecretVariable = "ACTORCONNECT_FUZZ_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private static readonly string Secret = "fuzzsecret" + Guid.NewGuid().ToString("N");

    private static readonly string[] Placeholders = ["${env:" + SecretVariable + "}", "${env:PATH}", "${env:HOME}", "${file:/etc/passwd:root}"];

    [Fact]
    public async Task Hostile_requests_to_every_endpoint_never_answer_5xx()
    {
        var replies = await FuzzAsync();
        var failed = replies.Where(r => r.Status >= 500).Select(r => $"{r.Request} -> {r.Status} {Shorten(r.Body)}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {replies.Count} hostile requests were answered with a 5xx:\n" + string.Join("\n", failed.Distinct().Take(60)));
        Assert.Equal(HttpStatusCode.OK, (await Rest.GetAsync("/connectors")).Status);
    }

    [Fact]
    public async Task Hostile_requests_to_every_endpoint_never_answer_the_value_of_a_placeholder()
    {
        var secrets = Secrets();
        var replies = await FuzzAsync();
        var leaks = replies.SelectMany(r => secrets.Where(s => r.Body.Contains(s.Value, StringComparison.Ordinal)).Select(s => $"{r.Request} -> {r.Status}: the response holds the value of {s.What}")).ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} of {replies.Count} answers to hostile requests hold a resolved secret:\n" + string.Join("\n", leaks.Distinct().Take(60)));
    }

    /// <summary>
    /// Sends every hostile request to every route, in turn: each parameter takes each hostile value (the others a valid
    /// one), then each hostile query, then each hostile body for the routes that take one.
    /// </summary>
    private async Task<List<(string Request, int Status, string Body)>> FuzzAsync()
    {
        Environment.SetEnvironmentVariable(SecretVariable, Secret);
        var routes = Rest.Rest.Routes;
        Assert.Contains(("PATCH", "/connectors/{name}/offsets"), routes);
        var replies = new List<(string Request, int Status, string Body)>();

        async Task SendAsync(string method, string pathAndQuery, string? body = null, string contentType = "application/json")
        {
            var (status, text) = await RawAsync(method, pathAndQuery, body, contentType);
            replies.Add(($"{method} {Shorten(pathAndQuery)} {Shorten(body)}", status, text));
        }

        foreach (var (method, pattern) in routes)
        {
            await EnsureTargetsAsync();
            var parameters = System.Text.RegularExpressions.Regex.Matches(pattern, @"\{(\w+)\}").Select(m => m.Groups[1].Value).ToList();
            foreach (var parameter in parameters)
            {
                foreach (var value in HostileSegments(parameter))
                {
                    await SendAsync(method, Fill(pattern, parameter, value), method is "GET" or "DELETE" ? null : "{}");
                }
            }

            foreach (var query in HostileQueries)
            {
                await SendAsync(method, Fill(pattern, null, null) + query, method is "GET" or "DELETE" ? null : "{}");
            }

            if (method is "POST" or "PUT" or "PATCH")
            {
                foreach (var (body, contentType) in HostileBodies())
                {
                    await SendAsync(method, Fill(pattern, null, null), body, contentType);
                }
            }
        }

        // Statuses, task traces and topics, read after every change above, once more.
        await EnsureTargetsAsync();
        foreach (var path in new[] { "/connectors?expand=status&expand=info", $"/connectors/{Source}/status", $"/connectors/{Source}/tasks/0/status", $"/connectors/{Source}/topics", $"/connectors/{Sink}/status" })
        {
            await SendAsync("GET", path);
        }

        Assert.True(replies.Count > 500, $"only {replies.Count} requests sent");
        return replies;
    }

    /// <summary>Connectors whose configs hold placeholders, running, so their statuses, tasks and topics can be read.</summary>
    private async Task EnsureTargetsAsync()
    {
        var file = FileIn("fuzz-source.txt");
        if (!File.Exists(file))
        {
            await File.WriteAllTextAsync(file, "one line\n");
        }

        var source = RestWorker.FileSource(file, "fuzz-${env:" + SecretVariable + "}");
        source["connection.password"] = Placeholders[0];
        Assert.True((await Rest.PutAsync($"/connectors/{Source}/config", source)).Status < HttpStatusCode.BadRequest);
        await Rest.PutAsync($"/connectors/{Source}/resume");
        var sink = new JsonObject
        {
            ["connector.class"] = "FileStreamSink",
            ["topics"] = "fuzz-${env:" + SecretVariable + "}",
            ["file"] = "/missing/${env:" + SecretVariable + "}/${file:/etc/passwd:root}/out.txt",
        };
        Assert.True((await Rest.PutAsync($"/connectors/{Sink}/config", sink)).Status < HttpStatusCode.BadRequest);
        await Rest.PutAsync($"/connectors/{Sink}/resume");
    }

    private static string Fill(string pattern, string? parameter, string? value) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{(\w+)\}", m => m.Groups[1].Value == parameter ? value! : Valid(m.Groups[1].Value, pattern));

    private static string Valid(string parameter, string pattern) => parameter switch
    {
        "task" => "0",
        "plugin" => "FileStreamSource",
        "file" => "index.html",
        "name" when pattern.StartsWith("/admin/loggers", StringComparison.Ordinal) => "ActorConnect",
        _ => Source,
    };

    /// <summary>Path segments as they go on the wire (already percent-encoded where they are).</summary>
    private static IEnumerable<string> HostileSegments(string parameter)
    {
        string[] common =
        [
            "..", ".", "%2E%2E", "%2e", "a%2Fb", "a%5Cb", "%2F", "%00", "nul%00byte", "line%0Abreak%0D%0A", "%E2%80%A8", "%25", "%25252F", "%FF%FE",
            "%20", "%09", "null", "-1", "2147483648", "99999999999999999999", "1.5", "1e3", "0x10", "%3Cscript%3E", "%27%3B%20DROP%20TABLE%20x%3B--",
            "%F0%9F%98%80", new string('x', 600), new string('y', 9000), Sink,
        ];
        var placeholders = Placeholders.Select(Uri.EscapeDataString);
        return parameter == "file" ? common.Concat(placeholders).Concat(["..%2F..%2Fetc%2Fpasswd", "%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "index.html%00.js"]) : common.Concat(placeholders);
    }

    private static readonly string[] HostileQueries =
    [
        "?expand=status&expand=info&expand=%00", "?expand=" + Uri.EscapeDataString(Placeholders[1]), "?includeTasks=maybe&onlyFailed=%0A",
        "?includeTasks=true&onlyFailed=true", "?connectorsOnly=banana", "?connectorsOnly=false", "?scope=cluster", "?scope=%00", "?forward=true",
        "?" + new string('q', 6000) + "=1", "?a=%FF%FE&&&==",
    ];

    private static IEnumerable<(string Body, string ContentType)> HostileBodies()
    {
        var placeholders = Placeholders;
        var config = new JsonObject
        {
            ["connector.class"] = "FileStreamSource",
            ["file"] = "/missing/" + string.Join("/", placeholders) + "/x.txt",
            ["topic"] = "t-" + placeholders[0],
            ["batch.size"] = placeholders[1],
        };
        string Json(JsonNode node) => node.ToJsonString();
        var bodies = new List<string>
        {
            "", "null", "[]", "{", "{\"a\":", "\"text\"", "123", "true", "{\"a\":\"1\",\"a\":\"2\"}", new string('[', 300) + new string(']', 300),
            "{\"connector.class\":" + new string('[', 100) + new string(']', 100) + "}",
            Json(config),
            Json(new JsonObject { ["name"] = placeholders[0], ["config"] = config.DeepClone() }),
            Json(new JsonObject { ["name"] = "fuzz-new-" + Guid.NewGuid().ToString("N")[..6], ["config"] = config.DeepClone() }),
            Json(new JsonObject { ["name"] = "a/b", ["config"] = config.DeepClone() }),
            Json(new JsonObject { ["name"] = "..", ["config"] = config.DeepClone() }),
            Json(new JsonObject { ["name"] = "x\n\u0000y", ["config"] = config.DeepClone() }),
            Json(new JsonObject { ["name"] = Source, ["config"] = config.DeepClone(), ["initial_state"] = placeholders[1] }),
            Json(new JsonObject { ["connector.class"] = placeholders[1] }),
            Json(new JsonObject { ["connector.class"] = placeholders[3], ["file"] = placeholders[3] }),
            Json(new JsonObject { ["connector.class"] = "FileStreamSource", ["tasks.max"] = placeholders[1], ["topic"] = "t" }),
            Json(new JsonObject { ["connector.class"] = "FileStreamSource", ["tasks.max"] = "-1", ["topic"] = "t", ["transforms"] = "a,a,${env:PATH}" }),
            Json(new JsonObject { ["connector.class"] = "FileStreamSource", ["tasks.max"] = 99999999999L, ["topic"] = 1.5, ["batch.size"] = true }),
            Json(new JsonObject { ["connector.class"] = "FileStreamSink", ["topics.regex"] = "(", ["file"] = "/dev/null" }),
            Json(new JsonObject { ["connector.class"] = new JsonArray(1, 2), ["file"] = new JsonObject { ["a"] = 1 } }),
            Json(new JsonObject { ["connector.class"] = "FileStreamSource", ["junk"] = new string('z', 900_000) }),
            Json(new JsonObject { ["file"] = placeholders[2], ["name"] = null }),
            Json(new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["filename"] = placeholders[1] }, ["offset"] = new JsonObject { ["position"] = "abc" } }) }),
            Json(new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["filename"] = "f" }, ["offset"] = new JsonObject { ["position"] = -5 } }) }),
            Json(new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = null, ["offset"] = null }) }),
            Json(new JsonObject { ["offsets"] = new JsonArray(new JsonObject { ["partition"] = new JsonObject { ["kafka_topic"] = placeholders[0], ["kafka_partition"] = -1 }, ["offset"] = new JsonObject { ["kafka_offset"] = 1.5 } }) }),
            "{\"offsets\":\"x\"}", "{\"offsets\":[1,2]}", "{\"offsets\":[{\"partition\":{\"a\":{\"b\":1}}}]}",
            Json(new JsonObject { ["level"] = placeholders[1] }), "{\"level\":123}", "{\"level\":null}", "{\"level\":\"DEBUG\\n\"}",
        };
        foreach (var body in bodies)
        {
            yield return (body, "application/json");
        }

        yield return ("{\"name\":\"\u00c3(\"}", "application/json; charset=iso-8859-1");
        yield return (Json(config), "text/plain");
        yield return ("name=x&config=y", "application/x-www-form-urlencoded");
    }

    /// <summary>Sends exactly the path and query given, with no canonicalisation (a client would resolve '..' away).</summary>
    private async Task<(int Status, string Body)> RawAsync(string method, string pathAndQuery, string? body, string contentType)
    {
        var uri = new Uri(Rest.Http.BaseAddress!.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        try
        {
            using var response = await Rest.Http.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // Kestrel may close the connection on a request it refuses outright; the worker answering afterwards is checked at the end.
            return (0, string.Empty);
        }
    }

    /// <summary>The values the placeholders stand for, as the worker's providers would resolve them.</summary>
    private static List<(string What, string Value)> Secrets()
    {
        var secrets = new List<(string, string)> { ("${env:" + SecretVariable + "}", Secret) };
        foreach (var variable in new[] { "PATH", "HOME" })
        {
            // Too short a value (HOME=/root) would match ordinary text; PATH and a user's home are long enough.
            if (Environment.GetEnvironmentVariable(variable) is { Length: >= 8 } value)
            {
                secrets.Add(("${env:" + variable + "}", value));
            }
        }

        if (File.Exists("/etc/passwd") && File.ReadLines("/etc/passwd").FirstOrDefault(l => l.StartsWith("root:", StringComparison.Ordinal)) is { } root)
        {
            // A .properties reader takes "root" as the key and the rest after ':' as the value.
            secrets.Add(("${file:/etc/passwd:root}", root["root:".Length..]));
        }

        return secrets;
    }

    private static string Shorten(string? text) => text is null ? string.Empty : text.Length > 120 ? text[..120] + "..." : text;
}
