using System.Net;
using ActorConnect.Rest.Endpoints;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Json;
using ActorConnect.Rest.Logging;
using Akka.Actor;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Hosting;

namespace ActorConnect.Rest;

/// <summary>
/// Kafka Connect's REST API on Kestrel, talking to the worker actor only through messages. Lifecycle, as Kafka
/// Connect's RestServer: <see cref="StartAsync"/> binds the listeners (so the worker id can be the advertised address),
/// <see cref="Attach"/> connects the worker once it runs (requests before get 503), <see cref="StopAsync"/> stops
/// accepting and finishes requests in flight; stop it before the worker.
/// </summary>
public sealed class RestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(RestListener Listener, ListenOptions Options)> _bound;

    private RestServer(WebApplication app, RestOptions options, WorkerGateway gateway, List<(RestListener, ListenOptions)> bound)
    {
        _app = app;
        Options = options;
        Gateway = gateway;
        _bound = bound;
    }

    public RestOptions Options { get; }

    public WorkerGateway Gateway { get; }

    /// <summary>The port each listener bound (the real one for port 0); valid after <see cref="StartAsync"/>.</summary>
    public IReadOnlyDictionary<RestListener, int> BoundPorts =>
        _bound.ToDictionary(b => b.Listener, b => (b.Options.EndPoint as IPEndPoint)?.Port ?? b.Listener.Port);

    /// <summary>The URLs listened on, with real ports (wildcard hosts as Kestrel reports them).</summary>
    public IReadOnlyList<Uri> BoundUrls => _bound.Select(b => new UriBuilder(b.Listener.Scheme, (b.Options.EndPoint as IPEndPoint)?.Address.ToString() ?? b.Listener.Host, BoundPorts[b.Listener]).Uri).ToList();

    /// <summary>The URL others should use (rest.advertised.*); valid after <see cref="StartAsync"/>.</summary>
    public Uri AdvertisedUrl => Options.AdvertisedUrl(BoundPorts);

    /// <summary>The worker id Kafka Connect would use: advertised host:port.</summary>
    public string WorkerId => Options.WorkerId(BoundPorts);

    /// <summary>
    /// Builds the server. <paramref name="logging"/> receives ASP.NET Core's own log (the host passes Serilog's, whose
    /// filter is <paramref name="levels"/>); without one it logs nothing.
    /// </summary>
    public static RestServer Create(RestOptions options, LogLevelRegistry levels, ILoggerProvider? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(levels);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
        builder.Logging.ClearProviders();
        if (logging is not null)
        {
            builder.Logging.AddProvider(logging);
            // The registry decides what is written; ASP.NET Core's own minimum would hide DEBUG set through /admin/loggers.
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
        }

        // The host owns Ctrl-C and SIGTERM: it stops this server first, then the worker.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.ConfigureHttpJsonOptions(o => RestJson.Configure(o.SerializerOptions));
        // Binding failures (bad JSON, wrong content type, too large) become exceptions the error handler words.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        var gateway = new WorkerGateway(options.RequestTimeout, options.HealthTimeout);
        builder.Services.AddSingleton(gateway);
        builder.Services.AddSingleton(levels);

        var bound = new List<(RestListener, ListenOptions)>();
        ILogger httpsLog = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        var https = options.Https?.KestrelOptions(() => httpsLog);
        builder.WebHost.UseSetting(WebHostDefaults.PreferHostingUrlsKey, "false");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = ErrorHandling.MaxRequestBodyBytes;
            foreach (var listener in options.Listeners)
            {
                void Capture(ListenOptions o)
                {
                    if (listener.IsHttps)
                    {
                        o.UseHttps(https ?? throw new InvalidOperationException($"{listener} is https, but the options carry no certificate (RestOptions.Https)"));
                    }

                    bound.Add((listener, o));
                }

                if (listener.IsWildcard)
                {
                    kestrel.ListenAnyIP(listener.Port, Capture);
                }
                else
                {
                    kestrel.Listen(Resolve(listener), listener.Port, Capture);
                }
            }
        });

        var app = builder.Build();
        httpsLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ActorConnect.Rest.Https");
        if (options.BasicAuth is { } credentials)
        {
            // First: a request without credentials is answered before anything else reads it.
            app.UseBasicAuthentication(credentials);
        }

        app.UseRestErrors();
        app.MapRootEndpoints();
        app.MapConnectorsEndpoints();
        app.MapConnectorStateEndpoints();
        app.MapTasksEndpoints();
        app.MapTopicsEndpoints();
        app.MapOffsetsEndpoints();
        app.MapPluginsEndpoints();
        app.MapLoggersEndpoints();
        app.MapConsoleEndpoints();
        app.MapMetricsEndpoints();
        return new RestServer(app, options, gateway, bound);
    }

    /// <summary>Every route mapped, as its HTTP method and pattern (<c>/connectors/{name}/status</c>): what the REST fuzz test walks.</summary>
    internal IReadOnlyList<(string Method, string Pattern)> Routes =>
        ((IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToList();

    /// <summary>Binds every listener; throws IOException when a port is taken.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>
    /// Connects the worker; from now on requests reach it. <paramref name="secrets"/>, the redactor of the worker's
    /// config providers, keeps what they resolved out of error bodies.
    /// </summary>
    public void Attach(IActorRef worker, Runtime.Config.Providers.SecretRedactor? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        // Told before any request can reach it: a level another worker sets with cluster scope changes this process's levels.
        worker.Tell(new Runtime.Worker.WorkerProtocol.UseLogLevels(_app.Services.GetRequiredService<LogLevelRegistry>()));
        Gateway.Attach(worker, secrets);
    }

    /// <summary>Disconnects the worker until the next <see cref="Attach"/>; requests meanwhile get 503.</summary>
    public void Detach() => Gateway.Detach();

    /// <summary>Stops accepting requests and waits (bounded) for those in flight.</summary>
    public Task StopAsync(CancellationToken cancellation = default) => _app.StopAsync(cancellation);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static IPAddress Resolve(RestListener listener)
    {
        if (IPAddress.TryParse(listener.Host, out var ip))
        {
            return ip;
        }

        if (listener.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        var addresses = Dns.GetHostAddresses(listener.Host);
        return addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new Api.Errors.ConfigException(RestListener.ListenersKey, listener.ToString(), $"host {listener.Host} has no address; use an IP address or leave the host empty");
    }

    /// <summary>A lifetime that leaves signals to the host, so Ctrl-C does not stop the REST server behind its back.</summary>
    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
