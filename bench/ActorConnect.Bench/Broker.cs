using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;

namespace ActorConnect.Bench;

/// <summary>
/// Client settings shared by every command. Kafka 0.9 does not answer ApiVersions, and librdkafka hangs against it
/// unless told the broker version, so the protocol is either given (--legacy/--modern) or probed once.
/// </summary>
internal static class Broker
{
    public static bool IsLegacy(string bootstrap, IReadOnlyDictionary<string, string> options)
    {
        if (options.ContainsKey("--legacy"))
        {
            return true;
        }

        if (options.ContainsKey("--modern"))
        {
            return false;
        }

        var legacy = Probe(bootstrap);
        Console.Error.WriteLine($"acbench: broker at {bootstrap} is {(legacy ? "legacy (< 0.10: no ApiVersions)" : "modern")}");
        return legacy;
    }

    public static T Configure<T>(T config, string bootstrap, bool legacy)
        where T : ClientConfig
    {
        config.BootstrapServers = bootstrap;
        if (legacy)
        {
            config.ApiVersionRequest = false;
            config.BrokerVersionFallback = "0.9.0.1";
        }

        return config;
    }

    /// <summary>
    /// --set "k=v,k=v": librdkafka properties on top of the command's own, so a raw client can run with a worker's
    /// settings (run.sh's tuned raw rows give it the queue sizes ActorConnect's stages use).
    /// </summary>
    public static T ApplySet<T>(T config, IReadOnlyDictionary<string, string> options)
        where T : ClientConfig
    {
        if (options.TryGetValue("--set", out var extra))
        {
            foreach (var pair in extra.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0)
                {
                    throw new ArgumentException($"--set {extra}: '{pair}' is not key=value");
                }

                config.Set(pair[..eq].Trim(), pair[(eq + 1)..].Trim());
            }
        }

        return config;
    }

    /// <summary>librdkafka's log, minus the deprecation warning the legacy settings print on every client.</summary>
    public static void Log(LogMessage m)
    {
        if (m.Level <= SyslogLevel.Warning && !m.Message.Contains("won't be supported anymore", StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"librdkafka {m.Level} {m.Facility}: {m.Message}");
        }
    }

    /// <summary>
    /// Sends ApiVersions v0 to the first bootstrap server. A modern broker answers at once; 0.9 keeps the connection
    /// open and silent (it failed to parse the unknown API key), so 2 s of silence, or a hang-up, means legacy.
    /// This costs those 2 s, and worse, a 0.9 broker's network thread throws on the unknown request and skips what else
    /// it had just read, so other clients' requests may be dropped (they time out after 60 s): run.sh never probes,
    /// it passes --legacy/--modern from the broker's version.
    /// </summary>
    public static bool Probe(string bootstrap)
    {
        var first = bootstrap.Split(',')[0].Trim();
        var colon = first.LastIndexOf(':');
        var host = first[..colon];
        var port = int.Parse(first[(colon + 1)..]);
        using var client = new TcpClient { NoDelay = true, ReceiveTimeout = 2000, SendTimeout = 2000 };
        client.Connect(host, port);
        var clientId = Encoding.UTF8.GetBytes("acbench-probe");
        var request = new byte[4 + 2 + 2 + 4 + 2 + clientId.Length];
        BinaryPrimitives.WriteInt32BigEndian(request, request.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(4), 18); // ApiVersions
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(6), 0);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), 1);
        BinaryPrimitives.WriteInt16BigEndian(request.AsSpan(12), (short)clientId.Length);
        clientId.CopyTo(request, 14);
        var stream = client.GetStream();
        stream.Write(request);
        try
        {
            var size = new byte[4];
            return stream.Read(size) == 0;
        }
        catch (IOException)
        {
            return true; // silence (timeout) or a hang-up without an answer: legacy
        }
    }
}
