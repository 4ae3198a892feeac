using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Rest.Hosting;

/// <summary>
/// The REST server's settings, read from Kafka Connect's worker keys: <c>listeners</c> (default
/// <c>http://127.0.0.1:8083</c>, this machine only, where Kafka Connect's <c>http://:8083</c> serves every interface),
/// <c>rest.advertised.host.name</c>, <c>rest.advertised.port</c> and <c>rest.advertised.listener</c>, the https
/// listeners' stores (<see cref="RestHttps"/>) and basic authentication (<see cref="BasicAuthCredentials"/>).
/// </summary>
public sealed record RestOptions
{
    public const string AdvertisedHostNameKey = "rest.advertised.host.name";
    public const string AdvertisedPortKey = "rest.advertised.port";
    public const string AdvertisedListenerKey = "rest.advertised.listener";
    public const string DefaultListeners = WorkerConfig.DefaultListeners;

    public IReadOnlyList<RestListener> Listeners { get; init; } = RestListener.ParseAll(DefaultListeners);

    public string? AdvertisedHostName { get; init; }

    public int? AdvertisedPort { get; init; }

    public string? AdvertisedListener { get; init; }

    /// <summary>The https listeners' certificate and client checks; null without an https listener.</summary>
    public RestHttps? Https { get; init; }

    /// <summary>Who may call the API; null when basic authentication is off.</summary>
    public BasicAuthCredentials? BasicAuth { get; init; }

    /// <summary>How long a request waits for the worker (<c>actorconnect.rest.request-timeout</c>; Kafka Connect's 90 s).</summary>
    public TimeSpan RequestTimeout { get; init; } = RestTimeouts.Default.Request;

    /// <summary>How long <c>GET /health</c> waits (<c>actorconnect.rest.health-timeout</c>; Kafka Connect's 10 s).</summary>
    public TimeSpan HealthTimeout { get; init; } = RestTimeouts.Default.Health;

    /// <summary>How long requests in flight may finish when the server stops (<c>actorconnect.rest.shutdown-timeout</c>).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = RestTimeouts.Default.Shutdown;

    /// <summary>Returns a copy with the given waits (an ActorSystem's hocon).</summary>
    public RestOptions WithTimeouts(RestTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        return this with { RequestTimeout = timeouts.Request, HealthTimeout = timeouts.Health, ShutdownTimeout = timeouts.Shutdown };
    }

    /// <summary>
    /// Reads the REST keys of a worker config, loading the https stores and the basic auth credentials; other keys are
    /// ignored. <paramref name="jvmLoginConfig"/> is the JVM's <c>java.security.auth.login.config</c> as Kafka Connect
    /// users give it in <c>KAFKA_OPTS</c> (<see cref="BasicAuthCredentials.LoginConfigFromJvmOptions"/>). Throws
    /// ConfigException naming a bad key.
    /// </summary>
    public static RestOptions FromWorkerProperties(IReadOnlyDictionary<string, string> props, string? jvmLoginConfig = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        var listeners = RestListener.ParseAll(props.TryGetValue(RestListener.ListenersKey, out var l) && !string.IsNullOrWhiteSpace(l) ? l : DefaultListeners);
        int? port = null;
        if (props.TryGetValue(AdvertisedPortKey, out var p) && !string.IsNullOrWhiteSpace(p))
        {
            if (!int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
            {
                throw new ConfigException(AdvertisedPortKey, p, "must be a port number from 1 to 65535, or left out to advertise the listener's port");
            }

            port = parsed;
        }

        string? advertisedListener = null;
        if (props.TryGetValue(AdvertisedListenerKey, out var al) && !string.IsNullOrWhiteSpace(al))
        {
            advertisedListener = al.Trim().ToLowerInvariant();
            if (!listeners.Any(x => x.Scheme == advertisedListener))
            {
                throw new ConfigException(AdvertisedListenerKey, al,
                    $"no listener uses this protocol; listeners are {string.Join(",", listeners)}. Use one of their protocols or leave the key out");
            }
        }

        return new RestOptions
        {
            Listeners = listeners,
            AdvertisedHostName = props.TryGetValue(AdvertisedHostNameKey, out var h) && !string.IsNullOrWhiteSpace(h) ? h.Trim() : null,
            AdvertisedPort = port,
            AdvertisedListener = advertisedListener,
            Https = RestHttps.FromWorkerProperties(props, listeners),
            BasicAuth = BasicAuthCredentials.FromWorkerProperties(props, jvmLoginConfig),
        };
    }

    /// <summary>
    /// The warning for listeners anyone on the network may call without credentials (not loopback, no basic auth, not
    /// https with required client certificates), or null when there are none.
    /// </summary>
    public string? OpenListenerWarning()
    {
        var open = Listeners.Where(l => !l.IsLoopback && BasicAuth is null && !(l.IsHttps && Https?.ClientAuth == RestClientAuth.Required)).ToList();
        return open.Count == 0
            ? null
            : $"The REST API listens on {string.Join(", ", open)}, reachable from other hosts, without authentication: anyone who reaches it can " +
              "create connectors (which run code and read files as this worker) and read their configs. Turn on HTTP basic authentication " +
              $"({BasicAuthCredentials.RestExtensionClassesKey}={BasicAuthCredentials.ExtensionClass} and a JAAS file; see docs/security.md) " +
              $"or mutual TLS ({RestHttps.ListenerPrefix}ssl.client.auth=required), or listen on 127.0.0.1 only (listeners=http://127.0.0.1:8083).";
    }

    /// <summary>
    /// The URL other workers and tools should use, decided as Kafka Connect's RestServer.advertisedUrl does: the
    /// advertised listener's protocol (else the first listener's), host from <c>rest.advertised.host.name</c>, else the
    /// listener's host, else this machine's address; port from <c>rest.advertised.port</c>, else the configured port,
    /// else the port actually bound.
    /// </summary>
    public Uri AdvertisedUrl(IReadOnlyDictionary<RestListener, int> boundPorts)
    {
        ArgumentNullException.ThrowIfNull(boundPorts);
        var listener = Listeners.FirstOrDefault(x => x.Scheme == (AdvertisedListener ?? Listeners[0].Scheme)) ?? Listeners[0];
        var host = AdvertisedHostName ?? (listener.Host.Length > 0 ? listener.Host : LocalAddress());
        var port = AdvertisedPort ?? (listener.Port > 0 ? listener.Port : boundPorts.GetValueOrDefault(listener));
        return new UriBuilder(listener.Scheme, host, port).Uri;
    }

    /// <summary>Kafka Connect's worker id: the advertised host and port.</summary>
    public string WorkerId(IReadOnlyDictionary<RestListener, int> boundPorts)
    {
        var url = AdvertisedUrl(boundPorts);
        return $"{url.Host}:{url.Port}";
    }

    private static string LocalAddress()
    {
        // Jetty (and so Kafka Connect) advertises the local host's address when a listener names no host.
        try
        {
            var name = Dns.GetHostName();
            var address = Dns.GetHostAddresses(name).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
            return address?.ToString() ?? name;
        }
        catch (SocketException)
        {
            return "localhost";
        }
    }
}
