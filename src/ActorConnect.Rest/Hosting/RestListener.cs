using System.Globalization;
using ActorConnect.Api.Errors;

namespace ActorConnect.Rest.Hosting;

/// <summary>
/// One entry of the worker key <c>listeners</c>, Kafka Connect's <c>protocol://host:port</c> with protocol http or
/// https: an empty host (or 0.0.0.0) listens on every interface, port 0 on a free port.
/// </summary>
public sealed record RestListener(string Scheme, string Host, int Port)
{
    public const string ListenersKey = "listeners";

    /// <summary>True when the host names no one interface.</summary>
    public bool IsWildcard => Host.Length == 0 || Host is "0.0.0.0" or "::" or "[::]" or "*";

    /// <summary>True when only this machine can connect: a loopback address, or <c>localhost</c>.</summary>
    public bool IsLoopback =>
        Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(Host, out var ip) && System.Net.IPAddress.IsLoopback(ip));

    /// <summary>True for an https listener.</summary>
    public bool IsHttps => Scheme == "https";

    /// <summary>Parses the comma-separated <c>listeners</c> value; throws ConfigException naming the key and the fix.</summary>
    public static IReadOnlyList<RestListener> ParseAll(string value)
    {
        var entries = (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Length == 0)
        {
            throw new ConfigException(ListenersKey, value, "at least one listener is required, for example http://127.0.0.1:8083");
        }

        return entries.Select(Parse).ToList();
    }

    public static RestListener Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var schemeEnd = entry.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new ConfigException(ListenersKey, entry, "a listener is protocol://host:port, for example http://:8083 or http://127.0.0.1:8083");
        }

        var scheme = entry[..schemeEnd].ToLowerInvariant();
        if (scheme is not ("http" or "https"))
        {
            throw new ConfigException(ListenersKey, entry, $"unknown protocol '{scheme}'; use http:// or https://");
        }

        var hostPort = entry[(schemeEnd + 3)..].TrimEnd('/');
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || (hostPort.StartsWith('[') && hostPort.IndexOf(']', StringComparison.Ordinal) > colon))
        {
            throw new ConfigException(ListenersKey, entry, "the port is missing; write protocol://host:port, for example http://:8083");
        }

        var host = hostPort[..colon].Trim('[', ']');
        if (!int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigException(ListenersKey, entry, "the port must be a number from 0 (any free port) to 65535");
        }

        return new RestListener(scheme, host, port);
    }

    public override string ToString() => $"{Scheme}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}
