using System.Net;
using System.Net.Sockets;

namespace ActorConnect.TestSupport;

/// <summary>
/// A TCP listener on loopback that first accepts connections and never answers (a broker a client waits on for ever,
/// as a stuck librdkafka client does), and after <see cref="Forward"/> pipes new connections to a real broker.
/// </summary>
public sealed class SilentThenForwardingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<TcpClient> _held = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _forward;

    public SilentThenForwardingProxy(string target)
    {
        var colon = target.LastIndexOf(':');
        _targetHost = target[..colon];
        _targetPort = int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        _listener.Start();
        _ = Task.Run(AcceptAsync);
    }

    /// <summary>host:port to give a client as its bootstrap server.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>From now on, new connections reach the target broker (held ones stay silent).</summary>
    public void Forward() => _forward = true;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            _held.ForEach(c => c.Dispose());
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            lock (_held)
            {
                _held.Add(client);
            }

            if (_forward)
            {
                _ = Task.Run(() => PipeAsync(client));
            }
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var down = client.GetStream();
            var up = upstream.GetStream();
            await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Either side closed: the client reconnects if it needs to.
        }
        finally
        {
            client.Dispose();
        }
    }
}
