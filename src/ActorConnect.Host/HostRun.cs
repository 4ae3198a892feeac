using System.Runtime.InteropServices;
using ActorConnect.Kafka;
using ActorConnect.Rest;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using ActorConnect.Runtime.Validation;
using Akka.Configuration;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;

namespace ActorConnect.Host;

/// <summary>What both commands do around their worker: logging, stop signals, HOCON, and the REST server.</summary>
internal static class HostRun
{
    /// <summary>Sets up Serilog behind a level registry that <c>/admin/loggers</c> changes at run time.</summary>
    public static LogLevelRegistry CreateLogging()
    {
        // ASP.NET Core logs every request at INFO; WARN keeps the worker's log about connectors, as Kafka Connect's
        // log4j file quiets its chattier libraries. Both are listed (and changeable) under /admin/loggers.
        var levels = new LogLevelRegistry("INFO", new Dictionary<string, string> { ["Microsoft.AspNetCore"] = "WARN", ["Microsoft.Hosting"] = "WARN" });
        // Every line is escaped on its way out (LogEscaping), so no user-given value can forge one.
        var console = Serilog.Configuration.LoggerSinkConfiguration.Wrap(sink => new LogEscaping(sink), to => to.Console(
            outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {ConnectorContext}{Message:lj}{NewLine}{" + LogEscaping.ExceptionProperty + ":l}",
            standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose));
        Log.Logger = levels.Apply(new LoggerConfiguration()).WriteTo.Sink(console).CreateLogger();
        Log.Information("{Runtime}", ProcessDefaults.Describe());
        return levels;
    }

    /// <summary>
    /// Starts exporting the tasks' traces when <c>tracing.exporter</c> asks for it; null (nothing recorded) when off.
    /// Dispose it after the worker stops, so the last spans are exported.
    /// </summary>
    public static IDisposable? StartTracing(Runtime.Config.WorkerConfig config)
    {
        if (config.Tracing.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var builder = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("actorconnect"))
            .AddSource(Runtime.Metrics.TaskTracing.SourceName);
        builder = config.Tracing.Equals("otlp", StringComparison.OrdinalIgnoreCase)
            ? builder.AddOtlpExporter(o => o.Endpoint = new Uri(config.TracingEndpoint))
            : builder.AddConsoleExporter();
        Log.Information("Tracing the tasks' poll, put and offset commits with OpenTelemetry ({Exporter}{Endpoint})",
            config.Tracing, config.Tracing.Equals("otlp", StringComparison.OrdinalIgnoreCase) ? " to " + config.TracingEndpoint : "");
        return builder.Build();
    }

    /// <summary>
    /// hocon/host.conf beside the executable when there is one (an operator's edited copy), else the copy embedded in
    /// the host, so a lone single-file binary starts with the same defaults; overridden by the --hocon file.
    /// </summary>
    public static Config LoadHocon(FileInfo? hoconFile)
    {
        var hostConf = Path.Combine(AppContext.BaseDirectory, "hocon", "host.conf");
        var config = File.Exists(hostConf)
            ? ConfigurationFactory.ParseString(File.ReadAllText(hostConf))
            : HoconSettings.Embedded(typeof(HostRun).Assembly, "host.conf");
        if (hoconFile is not null)
        {
            config = ConfigurationFactory.ParseString(File.ReadAllText(hoconFile.FullName)).WithFallback(config);
        }

        return config;
    }

    /// <summary>
    /// Binds the REST server before the worker starts, as Kafka Connect does: the worker id is its advertised address.
    /// Null, with the reason logged, when a listener cannot be bound or its security settings are wrong. The JAAS file
    /// of basic authentication may come, as for Kafka Connect, from <c>KAFKA_OPTS</c>; its waits from
    /// <paramref name="hocon"/> (<c>actorconnect.rest</c>).
    /// </summary>
    public static async Task<RestServer?> StartRestAsync(IReadOnlyDictionary<string, string> workerProperties, Config hocon, LogLevelRegistry levels, CancellationToken cancellation)
    {
        RestOptions options;
        try
        {
            options = ReadRestOptions(workerProperties).WithTimeouts(RestTimeouts.Create(hocon));
        }
        catch (Api.Errors.ConfigException e)
        {
            Log.Fatal("Cannot start: {Message}", e.Message);
            return null;
        }

        var rest = RestServer.Create(options, levels, new Serilog.Extensions.Logging.SerilogLoggerProvider(Log.Logger));
        try
        {
            await rest.StartAsync(cancellation);
        }
        catch (IOException e)
        {
            Log.Fatal("Cannot start the REST server on {Listeners}: {Message}. Free the port or change the worker key 'listeners'.",
                string.Join(",", options.Listeners), e.Message);
            await rest.DisposeAsync();
            return null;
        }

        Log.Information("REST API listening on {Urls}, advertised as {Advertised}", string.Join(", ", rest.BoundUrls), rest.AdvertisedUrl);
        LogRestSecurity(options, rest);
        return rest;
    }

    /// <summary>Warns once, at start, of each worker key nothing reads (see <see cref="UnknownKeys.InWorker"/>).</summary>
    public static void WarnUnknownKeys(IReadOnlyDictionary<string, string> workerProperties, Runtime.Plugins.PluginRegistry plugins)
    {
        foreach (var unknown in UnknownKeys.InWorker(workerProperties, plugins, WorkerKeysBeyondRuntime))
        {
            Log.Warning("Worker: {Warning}", unknown.Message);
        }
    }

    /// <summary>
    /// The worker keys read outside the runtime (a distributed node's, the REST server's), so that a typo of one is
    /// warned of as a typo of a runtime key is (<see cref="UnknownKeys.InWorker"/>).
    /// </summary>
    public static IReadOnlyList<string> WorkerKeysBeyondRuntime { get; } =
    [
        .. Cluster.Config.DistributedConfig.Definition.Keys.Select(k => k.Name),
        RestOptions.AdvertisedHostNameKey, RestOptions.AdvertisedPortKey, RestOptions.AdvertisedListenerKey,
        BasicAuthCredentials.RestExtensionClassesKey, BasicAuthCredentials.JaasFileKey,
    ];

    /// <summary>
    /// The REST keys of the worker properties, the JAAS file of basic authentication coming, as for Kafka Connect, from
    /// <c>KAFKA_OPTS</c> when the properties do not name it. Throws <see cref="Api.Errors.ConfigException"/>.
    /// </summary>
    public static RestOptions ReadRestOptions(IReadOnlyDictionary<string, string> workerProperties) =>
        RestOptions.FromWorkerProperties(workerProperties, BasicAuthCredentials.LoginConfigFromJvmOptions(Environment.GetEnvironmentVariable("KAFKA_OPTS")));

    /// <summary>Who can reach the REST API and how: where to open it, its certificate, its users, or a warning that it is open.</summary>
    private static void LogRestSecurity(RestOptions options, RestServer rest)
    {
        var console = new Uri(rest.BoundUrls[0], "ui");
        if (options.Listeners.All(l => l.IsLoopback))
        {
            Log.Information("The REST API answers on this machine only; open the web console at {Console}. To serve other hosts, set listeners " +
                            "(for example https://0.0.0.0:8443) and turn on authentication (docs/security.md)", console);
        }
        else
        {
            Log.Information("Web console at {Console} (on this machine; from other hosts use this worker's address)", console);
        }

        if (options.Https is { } https)
        {
            Log.Information("https listeners serve the certificate {Subject} (valid until {NotAfter:yyyy-MM-dd}) from {Key}; client certificates: {ClientAuth}",
                https.Identity.Certificate.Subject, https.Identity.Certificate.NotAfter, https.KeyStoreKey, https.ClientAuth.ToString().ToLowerInvariant());
        }

        if (options.BasicAuth is { } auth)
        {
            Log.Information("REST API requires HTTP basic authentication: {Users} user(s) from {CredentialsFile} (JAAS file {JaasFile}, from {Source}); GET /health stays open and says only up or down",
                auth.Users, auth.CredentialsFile, auth.JaasFile, auth.JaasSource);
        }

        if (options.OpenListenerWarning() is { } warning)
        {
            Log.Warning("{Warning}", warning);
        }
    }
}

/// <summary>
/// SIGTERM, SIGINT or cancellation, as one task. Registered first thing, so a signal that arrives while the worker is
/// still starting is kept and honoured as a clean stop once it has started, instead of killing the process mid-start.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration _sigterm;
    private readonly PosixSignalRegistration _sigint;
    private readonly CancellationTokenRegistration _cancellation;

    public StopSignal(CancellationToken cancellation)
    {
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _cancellation = cancellation.Register(() => _stopping.TrySetResult());
    }

    public Task Stopping => _stopping.Task;

    public void Dispose()
    {
        _sigterm.Dispose();
        _sigint.Dispose();
        _cancellation.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        _stopping.TrySetResult();
    }
}
