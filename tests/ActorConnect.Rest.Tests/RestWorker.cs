using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>A reply as a test sees it: status, raw body, the body parsed when it is JSON, and the headers.</summary>
public sealed record RestReply(HttpStatusCode Status, string Body, JsonNode? Json, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders)
{
    public override string ToString() => $"{(int)Status} {Body}";
}

/// <summary>
/// A real standalone worker in-process with the REST server in front of it on a loopback port chosen by the system,
/// started as the host does it: the server binds first, the worker's id is the advertised address.
/// </summary>
public sealed class RestWorker : IAsyncDisposable
{
    private RestWorker(StandaloneWorker worker, RestServer rest, LogLevelRegistry levels, string dir, HttpMessageHandler? handler, (string User, string Password)? credentials)
    {
        Worker = worker;
        Rest = rest;
        Levels = levels;
        Dir = dir;
        Logs = LogLines.Capture(worker.System);
        var (listener, port) = rest.BoundPorts.First();
        BaseAddress = new Uri($"{listener.Scheme}://127.0.0.1:{port}");
        Http = new HttpClient(handler ?? new HttpClientHandler()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (credentials is var (user, password))
        {
            Http.DefaultRequestHeaders.Authorization = BasicAuth(user, password);
        }
    }

    /// <summary>Where the first listener answers (on loopback).</summary>
    public Uri BaseAddress { get; }

    public StandaloneWorker Worker { get; }

    public RestServer Rest { get; }

    public LogLevelRegistry Levels { get; }

    public HttpClient Http { get; }

    /// <summary>What the worker has logged since it started.</summary>
    public LogLines Logs { get; }

    /// <summary>This worker's scratch folder (offsets file, connectors' files).</summary>
    public string Dir { get; }

    /// <param name="kafka">The shared broker.</param>
    /// <param name="hocon">Akka settings added to the test defaults (quick task restarts).</param>
    /// <param name="listeners">The <c>listeners</c> value; <c>http://:0</c> works as well.</param>
    /// <param name="extra">More worker keys.</param>
    /// <param name="handler">The handler of <see cref="Http"/> (one that trusts a test CA, for https).</param>
    /// <param name="credentials">The basic auth credentials <see cref="Http"/> sends with every request.</param>
    public static async Task<RestWorker> StartAsync(
        KafkaFixture kafka, string hocon = "", string listeners = "http://127.0.0.1:0", IReadOnlyDictionary<string, string>? extra = null,
        HttpMessageHandler? handler = null, (string User, string Password)? credentials = null)
    {
        var dir = RepoPaths.NewTempDirectory("rest");
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers,
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = Path.Combine(dir, "connect.offsets"),
            ["offset.flush.interval.ms"] = "500",
            ["consumer.session.timeout.ms"] = "10000",
            ["listeners"] = listeners,
        };
        foreach (var (k, v) in kafka.WorkerBrokerSettings().Concat(extra ?? new Dictionary<string, string>()))
        {
            props[k] = v;
        }

        var levels = new LogLevelRegistry();
        // 30 s instead of Kafka Connect's 90: a message the runtime does not answer yet fails the test sooner.
        var rest = RestServer.Create(RestOptions.FromWorkerProperties(props) with { RequestTimeout = TimeSpan.FromSeconds(30) }, levels);
        await rest.StartAsync();
        var akka = Akka.Configuration.ConfigurationFactory.ParseString(hocon + "\nactorconnect.task-restart { min-backoff = 100ms, max-backoff = 500ms }");
        var worker = StandaloneWorker.Start(WorkerConfig.ParseStandalone(props), akka, rest.WorkerId, typeof(RestWorker).Assembly);
        rest.Attach(worker.Worker, worker.Services.Providers.Secrets);
        return new RestWorker(worker, rest, levels, dir, handler, credentials);
    }

    /// <summary>An HTTP basic Authorization header.</summary>
    public static AuthenticationHeaderValue BasicAuth(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public Task<RestReply> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<RestReply> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<RestReply> PostAsync(string path, JsonNode? body = null) => SendAsync(HttpMethod.Post, path, body?.ToJsonString());

    public Task<RestReply> PutAsync(string path, JsonNode? body = null) => SendAsync(HttpMethod.Put, path, body?.ToJsonString());

    public Task<RestReply> PatchAsync(string path, JsonNode? body) => SendAsync(HttpMethod.Patch, path, body?.ToJsonString());

    /// <summary>Sends a raw body with the given content type, as curl would.</summary>
    public async Task<RestReply> SendAsync(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? json = null;
        if (text.Length > 0 && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            json = JsonNode.Parse(text);
        }

        return new RestReply(response.StatusCode, text, json, response.Headers, response.Content.Headers);
    }

    /// <summary>Creates a connector through POST /connectors and checks it was created.</summary>
    public async Task<RestReply> CreateAsync(string name, JsonObject config, string? initialState = null)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = config };
        if (initialState is not null)
        {
            body["initial_state"] = initialState;
        }

        var reply = await PostAsync("/connectors", body);
        Assert.True(reply.Status == HttpStatusCode.Created, $"create {name}: {reply}");
        return reply;
    }

    /// <summary>Polls GET /connectors/{name}/status until <paramref name="condition"/> holds; fails with the last status seen.</summary>
    public async Task<JsonNode> WaitForStatusAsync(string name, Func<JsonNode, bool> condition, TimeSpan? timeout = null)
    {
        RestReply? last = null;
        try
        {
            await Eventually.AssertAsync(async () =>
            {
                last = await GetAsync($"/connectors/{name}/status");
                return last.Status == HttpStatusCode.OK && last.Json is not null && condition(last.Json);
            }, timeout ?? TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException e)
        {
            throw new Xunit.Sdk.XunitException($"Status of {name} never matched; last: {last} ({e.Message})");
        }

        return last!.Json!;
    }

    /// <summary>The connector's state and every task's, e.g. "RUNNING [RUNNING,RUNNING]".</summary>
    public static string States(JsonNode status) =>
        $"{status["connector"]?["state"]} [{string.Join(",", status["tasks"]!.AsArray().Select(t => t!["state"]!.GetValue<string>()))}]";

    /// <summary>Kafka Connect's FileStreamSource config, as a Kafka Connect user posts it.</summary>
    public static JsonObject FileSource(string file, string topic) => new()
    {
        ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSourceConnector",
        ["tasks.max"] = "1",
        ["file"] = file,
        ["topic"] = topic,
    };

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Rest.StopAsync();
        await Rest.DisposeAsync();
        await Worker.StopAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// One worker per test class (xunit class fixture), started on first use because it needs the collection's broker,
/// which class fixtures cannot receive. Tests share it but use connector names, files and topics of their own.
/// </summary>
public class RestWorkerFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RestWorker? _worker;

    /// <summary>Akka settings of this class's worker.</summary>
    protected virtual string Hocon => string.Empty;

    /// <summary>Worker keys of this class's worker beyond the test defaults.</summary>
    protected virtual IReadOnlyDictionary<string, string> WorkerProperties => new Dictionary<string, string>();

    /// <summary>This class's worker's <c>listeners</c>.</summary>
    protected virtual string Listeners => "http://127.0.0.1:0";

    /// <summary>The handler of the worker's HTTP client (null: the default one).</summary>
    protected virtual HttpMessageHandler? CreateHandler() => null;

    /// <summary>The basic auth credentials the worker's HTTP client sends (null: none).</summary>
    protected virtual (string User, string Password)? Credentials => null;

    public async Task<RestWorker> GetAsync(KafkaFixture kafka)
    {
        await _gate.WaitAsync();
        try
        {
            return _worker ??= await RestWorker.StartAsync(kafka, Hocon, Listeners, WorkerProperties, CreateHandler(), Credentials);
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        _gate.Dispose();
    }
}

/// <summary>Base of the test classes: the shared broker, and this class's worker ready before each test.</summary>
public abstract class RestTestBase<TFixture>(KafkaFixture kafka, TFixture fixture) : IAsyncLifetime
    where TFixture : RestWorkerFixture
{
    protected KafkaFixture Kafka { get; } = kafka;

    protected RestWorker Rest { get; private set; } = null!;

    public async Task InitializeAsync() => Rest = await fixture.GetAsync(Kafka);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A name no other test uses, for connectors, files and topics.</summary>
    protected static string Unique(string prefix) => KafkaFixture.UniqueName(prefix);

    /// <summary>
    /// Creates a one-partition topic. A 0.9 broker creates topics on first use, and its ZooKeeper tooling may not be
    /// installed in this checkout (KAFKA_BOOTSTRAP_SERVERS pointing at a shared broker): there the producer creates it.
    /// </summary>
    protected Task CreateTopicAsync(string topic) => Kafka.IsLegacyBroker ? Task.CompletedTask : Kafka.CreateTopicAsync(topic, 1);

    /// <summary>A file path in the worker's folder.</summary>
    protected string FileIn(string name) => Path.Combine(Rest.Dir, name);
}
