using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>
/// A worker as a Kafka Connect operator secures it: an https listener with a self-signed CA's certificate in a JKS
/// store, and basic authentication through BasicAuthSecurityRestExtension and a JAAS file.
/// </summary>
public sealed class SecuredWorker : RestWorkerFixture, IDisposable
{
    public const string User = "alice";
    public const string UserPassword = "s3cret: with colon and spaces";

    private readonly string _jaas;

    public SecuredWorker() => _jaas = BasicAuthFiles.Write(Certificates.Dir, (User, UserPassword), ("bob", "bobs-password"));

    public TestCertificates Certificates { get; } = TestCertificates.Create();

    protected override string Listeners => "https://127.0.0.1:0";

    protected override IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>
    {
        ["listeners.https.ssl.keystore.location"] = Certificates.ServerJks,
        ["listeners.https.ssl.keystore.password"] = TestCertificates.Password,
        ["listeners.https.ssl.keystore.type"] = "JKS",
        ["listeners.https.ssl.key.password"] = TestCertificates.Password,
        ["rest.extension.classes"] = BasicAuthFiles.ExtensionClass,
        ["rest.basic.auth.jaas.config.file"] = _jaas,
    };

    protected override HttpMessageHandler? CreateHandler() => Certificates.Handler();

    protected override (string User, string Password)? Credentials => (User, UserPassword);

    public void Dispose() => Certificates.Dispose();
}

/// <summary>
/// Basic authentication over https: no credentials and a wrong password get 401 with <c>WWW-Authenticate: Basic</c> and
/// Kafka Connect's error body on every endpoint family, and change nothing; the right password gets the answer.
/// </summary>
[Collection("kafka")]
public sealed class BasicAuthTests(KafkaFixture kafka, SecuredWorker fixture) : RestTestBase<SecuredWorker>(kafka, fixture), IClassFixture<SecuredWorker>
{
    private readonly TestCertificates _certificates = fixture.Certificates;

    [Fact]
    public async Task Every_endpoint_family_refuses_no_credentials_and_a_wrong_password_with_401_and_answers_the_right_password()
    {
        var name = Unique("auth");
        await Rest.CreateAsync(name, RestWorker.FileSource(FileIn(name + ".txt"), name));
        await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        string[] paths =
        [
            "/", "/connectors", $"/connectors/{name}", $"/connectors/{name}/config", $"/connectors/{name}/status", $"/connectors/{name}/tasks",
            $"/connectors/{name}/tasks/0/status", $"/connectors/{name}/offsets", $"/connectors/{name}/topics", "/connector-plugins",
            "/admin/loggers", "/admin/loggers/root", "/metrics", "/ui", "/ui/console.js",
        ];
        using var anonymous = Client(null);
        using var wrong = Client((SecuredWorker.User, "not-the-password"));
        using var unknown = Client(("mallory", SecuredWorker.UserPassword));
        foreach (var path in paths)
        {
            await AssertRefusedAsync(anonymous, HttpMethod.Get, path);
            await AssertRefusedAsync(wrong, HttpMethod.Get, path);
            await AssertRefusedAsync(unknown, HttpMethod.Get, path);
            var reply = await Rest.GetAsync(path);
            Assert.True(reply.Status == HttpStatusCode.OK, $"GET {path} with the right password: {reply}");
        }
    }

    [Fact]
    public async Task A_refused_request_changes_nothing()
    {
        var name = Unique("auth-untouched");
        using var anonymous = Client(null);
        using var wrong = Client(("bob", "alice's password"));
        var create = new JsonObject { ["name"] = name, ["config"] = RestWorker.FileSource(FileIn(name + ".txt"), name) }.ToJsonString();

        await AssertRefusedAsync(anonymous, HttpMethod.Post, "/connectors", create);
        await AssertRefusedAsync(wrong, HttpMethod.Post, "/connectors", create);
        Assert.Equal(HttpStatusCode.NotFound, (await Rest.GetAsync($"/connectors/{name}")).Status);

        await AssertRefusedAsync(anonymous, HttpMethod.Put, "/admin/loggers/ActorConnect.Secured", """{"level":"DEBUG"}""");
        Assert.Equal(HttpStatusCode.NotFound, (await Rest.GetAsync("/admin/loggers/ActorConnect.Secured")).Status);

        await Rest.CreateAsync(name, RestWorker.FileSource(FileIn(name + ".txt"), name));
        await AssertRefusedAsync(wrong, HttpMethod.Delete, $"/connectors/{name}");
        await AssertRefusedAsync(anonymous, HttpMethod.Put, $"/connectors/{name}/stop");
        await AssertRefusedAsync(anonymous, HttpMethod.Delete, $"/connectors/{name}/offsets");
        await AssertRefusedAsync(anonymous, HttpMethod.Put, $"/connectors/{name}/topics/reset");
        var status = await Rest.WaitForStatusAsync(name, s => RestWorker.States(s) == "RUNNING [RUNNING]");
        Assert.Equal("RUNNING [RUNNING]", RestWorker.States(status));
    }

    [Fact]
    public async Task Health_answers_probes_without_credentials_up_or_down_only_but_refuses_wrong_credentials()
    {
        using var anonymous = Client(null);
        using var health = await anonymous.GetAsync("/health");
        var authenticated = await Rest.GetAsync("/health");
        var body = await health.Content.ReadAsStringAsync();
        Assert.True(health.StatusCode == authenticated.Status, $"anonymous: {body}; with credentials: {authenticated}");
        var state = JsonNode.Parse(body)!["status"]!.GetValue<string>();
        Assert.Equal(authenticated.Json!["status"]!.GetValue<string>(), state);
        // The reason of an unhealthy worker names hosts (the brokers); an anonymous caller learns only that it is down.
        Assert.DoesNotContain(Kafka.BootstrapServers, body, StringComparison.Ordinal);

        using var wrong = Client((SecuredWorker.User, "guess"));
        await AssertRefusedAsync(wrong, HttpMethod.Get, "/health");
    }

    [Fact]
    public async Task An_unhealthy_worker_tells_anonymous_probes_only_that_it_is_down()
    {
        using var dir = RepoPaths.CreateTempDirectory("auth-health");
        const string nowhere = "127.0.0.1:1"; // tcpmux: nothing listens there
        await using var worker = await RestWorker.StartAsync(Kafka, extra: new Dictionary<string, string>
        {
            ["bootstrap.servers"] = nowhere,
            ["rest.extension.classes"] = BasicAuthFiles.ExtensionClass,
            ["rest.basic.auth.jaas.config.file"] = BasicAuthFiles.Write(dir.Path, ("alice", "pw")),
        }, credentials: ("alice", "pw"));
        await Eventually.AssertAsync(async () => (await worker.GetAsync("/health")).Body.Contains(nowhere, StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the worker reports the broker unreachable");

        using var anonymous = new HttpClient { BaseAddress = worker.BaseAddress };
        using var health = await anonymous.GetAsync("/health");
        var body = await health.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, health.StatusCode);
        Assert.Equal("unhealthy", JsonNode.Parse(body)!["status"]!.GetValue<string>());
        Assert.DoesNotContain(nowhere, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_authorization_headers_get_401_not_500()
    {
        using var client = Client(null);
        foreach (var header in new[] { "Basic", "Basic !!!not-base64!!!", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon")), "Bearer abc", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(":" + SecuredWorker.UserPassword)) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/connectors");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"Authorization: {header} gave {(int)response.StatusCode}");
        }
    }

    private HttpClient Client((string User, string Password)? credentials)
    {
        var client = new HttpClient(_certificates.Handler()) { BaseAddress = Rest.BaseAddress };
        if (credentials is var (user, password))
        {
            client.DefaultRequestHeaders.Authorization = RestWorker.BasicAuth(user, password);
        }

        return client;
    }

    private static async Task AssertRefusedAsync(HttpClient client, HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.StartsWith("Basic realm=", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonNode.Parse(text)!;
        Assert.Equal(401, error["error_code"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
    }
}
