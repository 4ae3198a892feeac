using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorConnect.TestSupport;

/// <summary>
/// Creates a topic on a Kafka 0.9 broker the way its own <c>kafka-topics.sh --create</c> does (AdminUtils.createTopic):
/// the topic's config znode, then its partition assignment under <c>/brokers/topics</c>, which the controller turns into
/// partitions. Spoken to ZooKeeper directly over its wire protocol, because the tool starts a JVM per topic: 2-4 s each,
/// and the suite creates hundreds of topics.
/// </summary>
public static partial class ZooKeeperTopics
{
    private const int CreateOp = 1, CloseOp = -11, NodeExists = -110;

    /// <summary>ZooKeeper's port for a broker the script started with <paramref name="environment"/> (ZK_LOCAL_PORT, as the script reads it).</summary>
    public static int Port(IReadOnlyDictionary<string, string> environment) =>
        int.Parse(
            environment.GetValueOrDefault("ZK_LOCAL_PORT") ?? Environment.GetEnvironmentVariable("ZK_LOCAL_PORT") ?? "12181",
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Creates <paramref name="name"/> with <paramref name="partitions"/> partitions, each with one replica on broker
    /// <paramref name="brokerId"/>; an existing topic is left as it is. Returns once ZooKeeper holds the assignment (the
    /// caller waits for the partitions' leaders).
    /// </summary>
    public static async Task CreateAsync(int zkPort, string name, int partitions, int brokerId = 0)
    {
        if (!LegalName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a legal Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)", nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        using var client = new TcpClient { NoDelay = true };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync("127.0.0.1", zkPort, timeout.Token).ConfigureAwait(false);
        var stream = client.GetStream();

        // ConnectRequest: protocol version, last zxid seen, session timeout (ms), session id, password, read-only.
        var connect = new Writer();
        connect.Int(0).Long(0).Int(30_000).Long(0).Buffer(new byte[16]).Byte(0);
        await SendAsync(stream, connect, timeout.Token).ConfigureAwait(false);
        await ReceiveAsync(stream, timeout.Token).ConfigureAwait(false);

        var assignment = string.Join(",", Enumerable.Range(0, partitions).Select(p => $"\"{p}\":[{brokerId}]"));
        // Config first, as AdminUtils writes it: the broker reads a new topic's overrides from it (none here).
        await CreateNodeAsync(stream, 1, $"/config/topics/{name}", "{\"version\":1,\"config\":{}}", timeout.Token).ConfigureAwait(false);
        await CreateNodeAsync(stream, 2, $"/brokers/topics/{name}", $"{{\"version\":1,\"partitions\":{{{assignment}}}}}", timeout.Token).ConfigureAwait(false);

        await SendAsync(stream, new Writer().Int(3).Int(CloseOp), timeout.Token).ConfigureAwait(false);
        await ReceiveAsync(stream, timeout.Token).ConfigureAwait(false);
    }

    /// <summary>A persistent znode readable and writable by anyone (what Kafka 0.9 writes without ZooKeeper security).</summary>
    private static async Task CreateNodeAsync(NetworkStream stream, int xid, string path, string data, CancellationToken token)
    {
        var request = new Writer().Int(xid).Int(CreateOp).String(path).Buffer(Encoding.UTF8.GetBytes(data))
            .Int(1).Int(31).String("world").String("anyone")
            .Int(0);
        await SendAsync(stream, request, token).ConfigureAwait(false);
        var reply = await ReceiveAsync(stream, token).ConfigureAwait(false);
        // ReplyHeader: xid, zxid, error.
        var error = BinaryPrimitives.ReadInt32BigEndian(reply.AsSpan(12));
        if (error != 0 && error != NodeExists)
        {
            throw new InvalidOperationException($"ZooKeeper refused to create {path}: error {error}");
        }
    }

    private static async Task SendAsync(NetworkStream stream, Writer body, CancellationToken token)
    {
        var bytes = body.ToArray();
        var frame = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, bytes.Length);
        bytes.CopyTo(frame, 4);
        await stream.WriteAsync(frame, token).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReceiveAsync(NetworkStream stream, CancellationToken token)
    {
        var length = new byte[4];
        await stream.ReadExactlyAsync(length, token).ConfigureAwait(false);
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(length)];
        await stream.ReadExactlyAsync(body, token).ConfigureAwait(false);
        return body;
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex LegalName();

    /// <summary>ZooKeeper's jute encoding: big-endian integers, length-prefixed strings and buffers.</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _bytes = new();

        public Writer Byte(byte value)
        {
            _bytes.WriteByte(value);
            return this;
        }

        public Writer Int(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            _bytes.Write(b);
            return this;
        }

        public Writer Long(long value)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(b, value);
            _bytes.Write(b);
            return this;
        }

        public Writer Buffer(byte[] value)
        {
            Int(value.Length);
            _bytes.Write(value);
            return this;
        }

        public Writer String(string value) => Buffer(Encoding.UTF8.GetBytes(value));

        public byte[] ToArray() => _bytes.ToArray();
    }
}
