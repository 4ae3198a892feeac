using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ActorConnect.Api.Errors;

namespace ActorConnect.Rest.Hosting;

/// <summary>
/// The REST server's settings, read from Kafka Connect's worker keys: <c>listeners</c> (default <c>http://:8083</c>),
/// <c>rest.advertised.host.name</c>, <c>rest.advertised.port</c> and <c>rest.advertised.listener</c>.
/// </summary>
public sealed record RestOptions
{
    public const string AdvertisedHostNameKey = "rest.advertised.host.name";
    public const string AdvertisedPortKey = "rest.advertised.port";
    public const string AdvertisedListenerKey = "rest.advertised.listener";
    public const string DefaultListeners = "http://:8083";

    public IReadOnlyList<RestListener> Listeners { get; init; } = RestListener.ParseAll(DefaultListeners);

    public string? AdvertisedHostName { get; init; }

    public int? AdvertisedPort { get; init; }

    public string? AdvertisedListener { get; init; }

    /// <summary>How long a request waits for the worker: Kafka Connect's 90 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>How long <c>GET /health</c> waits: Kafka Connect's 10 s.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Reads the REST keys of a worker config; other keys are ignored. Throws ConfigException naming a bad key.</summary>
    public static RestOptions FromWorkerProperties(IReadOnlyDictionary<string, string> props)
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
        };
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
