using System.Net.Sockets;

namespace ActorConnect.TestSupport;

/// <summary>
/// Answers "is there a Docker engine?" within a couple of seconds. Testcontainers itself only finds out by failing,
/// after retries and with a noisy exception, which would make every test on a machine without Docker slow.
/// </summary>
public static class DockerProbe
{
    public static async Task<bool> IsAvailableAsync(TimeSpan timeout)
    {
        if (Environment.GetEnvironmentVariable("ACTORCONNECT_NO_DOCKER") == "1")
        {
            return false;
        }

        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        try
        {
            using var cts = new CancellationTokenSource(timeout);
            if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
                if (!File.Exists(path))
                {
                    return false;
                }

                using var handler = new SocketsHttpHandler
                {
                    ConnectCallback = async (_, ct) =>
                    {
                        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                        try
                        {
                            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct).ConfigureAwait(false);
                            return new NetworkStream(socket, ownsSocket: true);
                        }
                        catch
                        {
                            socket.Dispose();
                            throw;
                        }
                    },
                };
                return await PingAsync(handler, new Uri("http://docker/_ping"), cts.Token).ConfigureAwait(false);
            }

            if (host.StartsWith("tcp://", StringComparison.Ordinal))
            {
                // TLS-protected engines answer on https; either scheme proving an engine listens is enough here.
                using var handler = new SocketsHttpHandler();
                var uri = new Uri("http://" + host["tcp://".Length..].TrimEnd('/') + "/_ping");
                return await PingAsync(handler, uri, cts.Token).ConfigureAwait(false);
            }

            return false;
        }
        catch (Exception ex) when (ex is HttpRequestException or SocketException or OperationCanceledException or IOException or UriFormatException)
        {
            return false;
        }
    }

    private static async Task<bool> PingAsync(HttpMessageHandler handler, Uri uri, CancellationToken ct)
    {
        using var client = new HttpClient(handler, disposeHandler: false);
        using var response = await client.GetAsync(uri, ct).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
