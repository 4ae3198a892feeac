using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using ActorConnect.Kafka.ClientKeys;

namespace ActorConnect.Kafka;

/// <summary>
/// Finds out, before any librdkafka client is built, whether the broker understands ApiVersions (Kafka 0.10+).
/// </summary>
/// <remarks>
/// Why a raw probe: a librdkafka client configured for a modern broker hangs against 0.9, and one configured
/// for 0.9 silently loses headers against a modern broker; neither reports the mismatch. So we ask the question
/// ourselves on a plain TCP connection: an ApiVersions v0 request. A modern broker answers with its version
/// ranges; a 0.9 broker does not know API key 18 and never answers (it logs "Processor got uncaught exception",
/// exactly as it does for any librdkafka client left with its default <c>api.version.request=true</c>).
/// The probe speaks the client's own security: over TLS (SSL, SASL_SSL) it opens TLS first, checking the broker's
/// certificate as the client would (<see cref="BrokerTls"/>), and a TLS failure is reported with the key to fix.
/// SASL needs no login for these requests: a 0.10+ broker answers ApiVersions before authentication. The legacy
/// (0.9) fallback is only taken without SASL, since 0.9's SASL (Kerberos) cannot be spoken here anyway.
/// </remarks>
public static class KafkaBrokerProbe
{
    private const short ApiKeyMetadata = 3;
    private const short ApiKeyApiVersions = 18;
    private const short ApiKeyGroupCoordinator = 10;

    // GroupCoordinator v0's body: the group id as a Kafka string. Any group does; nothing is created for it.
    private static readonly byte[] GroupIdBody = [0, 12, .. Encoding.ASCII.GetBytes("actorconnect")];
    private const int MaxBodyBytes = 1 << 20;
    // Not a tunable: how long a silent broker is taken for a 0.9 one (which skips ApiVersions) rather than a slow one,
    // capped at half the caller's timeout; the waits an operator sets are the callers' (kafka-connectivity.*, broker-wait).
    private static readonly TimeSpan ApiVersionsPatience = TimeSpan.FromSeconds(3);
    private const int ApiVersionsCorrelationId = 0x41435052; // "ACPR"
    private const int MetadataCorrelationId = ApiVersionsCorrelationId + 1;
    private const string ClientId = "actorconnect-probe";

    /// <summary>
    /// Probes the bootstrap servers in order and returns the features of the first one that answers.
    /// </summary>
    /// <remarks>
    /// A broker that neither answers ApiVersions within a few seconds nor closes the connection is asked a Metadata v0
    /// request on a second connection: an answer proves a legacy broker (0.9 keeps the connection open, silent, after
    /// failing to parse an unknown API key); no answer means whatever listens there does not speak Kafka.
    /// </remarks>
    /// <param name="bootstrapServers">Kafka's <c>bootstrap.servers</c> list, <c>host:port[,host:port...]</c>.</param>
    /// <param name="timeout">Total time allowed for all attempts.</param>
    /// <param name="cancellationToken">Cancels the probe.</param>
    /// <param name="security">How the clients reach the broker; null: plain Kafka.</param>
    /// <exception cref="KafkaBrokerUnreachableException">No server could be reached, or none spoke Kafka.</exception>
    public static async Task<BrokerFeatures> DetectAsync(string bootstrapServers, TimeSpan timeout, CancellationToken cancellationToken = default,
        KafkaSecurity? security = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        security ??= KafkaSecurity.Plaintext;
        var (features, failures) = await FirstAnswerAsync(bootstrapServers, timeout, cancellationToken,
            (host, port, address, deadline) => ProbeAsync(host, port, address, security, timeout, deadline)!).ConfigureAwait(false);
        return features ?? throw new KafkaBrokerUnreachableException(bootstrapServers,
            $"No Kafka broker reachable at bootstrap.servers '{bootstrapServers}' ({failures}). " +
            $"Check the bootstrap.servers setting, that the broker is running, and that its listener there speaks {security.Description.Split(',')[0]}.");
    }

    /// <summary>
    /// Checks that a broker at <paramref name="bootstrapServers"/> answers a request, trying each in order: the cheapest
    /// question each kind of broker knows (ApiVersions v0 for Kafka 0.10+, GroupCoordinator v0 for an older one, which
    /// must never be asked ApiVersions: its network thread then drops other clients' requests).
    /// </summary>
    /// <remarks>
    /// Why not a librdkafka client: its admin requests, timed out while a broker restarts, have been seen to abort the
    /// whole process in librdkafka 2.16 (<c>rd_kafka_enq_once_del_source_return: Assertion `eonce->refcnt > 0' failed</c>);
    /// a request of our own on a fresh connection cannot take the worker down.
    /// </remarks>
    /// <exception cref="KafkaBrokerUnreachableException">No server answered; the message says what each one did.</exception>
    public static async Task PingAsync(string bootstrapServers, bool legacy, TimeSpan timeout, CancellationToken cancellationToken = default,
        KafkaSecurity? security = null)
    {
        security ??= KafkaSecurity.Plaintext;
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        var request = legacy
            ? BuildRequest(ApiKeyGroupCoordinator, GroupIdBody, MetadataCorrelationId)
            : BuildRequest(ApiKeyApiVersions, [], ApiVersionsCorrelationId);
        var (answered, failures) = await FirstAnswerAsync(bootstrapServers, timeout, cancellationToken,
            async (host, port, _, deadline) => await ExchangeAsync(host, port, security, request, deadline).ConfigureAwait(false) is null ? null : "answered")
            .ConfigureAwait(false);
        if (answered is null)
            throw new KafkaBrokerUnreachableException(bootstrapServers, failures);
    }

    /// <summary>
    /// Tries each bootstrap server in order, within one overall <paramref name="timeout"/>, until
    /// <paramref name="attempt"/> gets an answer (null: the server hung up without one); otherwise returns what each
    /// server did, joined, for the exception the caller throws.
    /// </summary>
    private static async Task<(T? Answer, string Failures)> FirstAnswerAsync<T>(string bootstrapServers, TimeSpan timeout,
        CancellationToken cancellationToken, Func<string, int, string, CancellationToken, Task<T?>> attempt)
        where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var failures = new List<string>();
        foreach (var (host, port) in ParseBootstrap(bootstrapServers))
        {
            var address = $"{host}:{port}";
            try
            {
                if (await attempt(host, port, address, deadline.Token).ConfigureAwait(false) is { } answer)
                    return (answer, string.Empty);
                failures.Add($"{address}: closed the connection without an answer");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{address}: no answer within {timeout.TotalSeconds:0.#} s");
                break; // the overall deadline is spent
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
            {
                failures.Add($"{address}: {e.Message}");
            }
        }

        return (null, string.Join("; ", failures));
    }

    private static async Task<BrokerFeatures> ProbeAsync(string host, int port, string address, KafkaSecurity security, TimeSpan timeout, CancellationToken deadline)
    {
        using (var apiVersionsWait = CancellationTokenSource.CreateLinkedTokenSource(deadline))
        {
            apiVersionsWait.CancelAfter(timeout < ApiVersionsPatience * 2 ? timeout / 2 : ApiVersionsPatience);
            try
            {
                // ApiVersions and Metadata v0 pipelined on one connection: responses come in request order, so a broker
                // that knows ApiVersions answers it first, while a 0.9 broker skips it in silence and answers Metadata
                // at once. One round trip tells them apart, with no timeout to wait out.
                var request = BuildRequest(ApiKeyApiVersions, [], ApiVersionsCorrelationId)
                    .Concat(BuildRequest(ApiKeyMetadata, [0, 0, 0, 0], MetadataCorrelationId)).ToArray();
                var answer = await ExchangeAsync(host, port, security, request, apiVersionsWait.Token).ConfigureAwait(false);
                switch (answer)
                {
                    case (ApiVersionsCorrelationId, var body):
                        return BrokerFeatures.FromApiVersions(ParseApiVersions(body), address);
                    case not null when security.SaslMechanism is null:
                        return BrokerFeatures.Legacy with { ProbedAddress = address };
                    case not null:
                        throw new InvalidDataException(SaslNeedsModern);
                }

                // Hung up without an answer: what a listener of another protocol does (a TLS listener asked in plain
                // Kafka, for one). Metadata v0 alone, below, tells an old broker from that.
            }
            catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
            {
                // Silence: no Kafka at all, or one that answers nothing pipelined. Metadata v0 alone tells them apart.
            }
        }

        if (security.SaslMechanism is not null)
        {
            throw new InvalidDataException(SaslNeedsModern);
        }

        var metadata = await ExchangeAsync(host, port, security, BuildRequest(ApiKeyMetadata, [0, 0, 0, 0], MetadataCorrelationId), deadline).ConfigureAwait(false);
        return metadata is not null
            ? BrokerFeatures.Legacy with { ProbedAddress = address }
            : throw new InvalidDataException(security.Tls is null
                ? "accepted the connection but answered neither ApiVersions nor Metadata in plain Kafka: if this listener is TLS (SSL), " +
                  "set security.protocol=SSL (or SASL_SSL) and a trust store (ssl.truststore.location)"
                : "accepted TLS but answered neither ApiVersions nor Metadata: not a Kafka broker?");
    }

    private const string SaslNeedsModern =
        "did not answer ApiVersions, which every Kafka 0.10+ SASL listener answers before authentication: check that " +
        "security.protocol names this listener's protocol (an older broker's SASL is Kerberos, which ActorConnect does not support)";

    /// <summary>Sends one request and returns the response body after the correlation id, or null when the server hung up first.</summary>
    private static async Task<(int CorrelationId, byte[] Body)?> ExchangeAsync(string host, int port, KafkaSecurity security, byte[] request, CancellationToken ct)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
        await using var stream = security.Tls is { } tls
            ? await BrokerTls.OpenAsync(client.GetStream(), host, tls, ct).ConfigureAwait(false)
            : (Stream)client.GetStream();
        await stream.WriteAsync(request, ct).ConfigureAwait(false);

        var header = new byte[8]; // int32 size, int32 correlation id
        try
        {
            if (!await ReadFullyAsync(stream, header, ct).ConfigureAwait(false))
                return null;
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            return null;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(header);
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        if (correlationId is not (ApiVersionsCorrelationId or MetadataCorrelationId) || size < 4)
            throw new InvalidDataException("answered with something that is not a Kafka response");
        var body = new byte[Math.Min(size - 4, MaxBodyBytes)]; // the rest, if any, is not needed
        if (!await ReadFullyAsync(stream, body, ct).ConfigureAwait(false))
            throw new InvalidDataException("closed the connection in the middle of its response");
        return (correlationId, body);
    }

    private static byte[] BuildRequest(short apiKey, byte[] requestBody, int correlationId)
    {
        var clientId = Encoding.UTF8.GetBytes(ClientId);
        var payloadSize = 2 + 2 + 4 + 2 + clientId.Length + requestBody.Length;
        var buffer = new byte[4 + payloadSize];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, payloadSize);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], apiKey);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], 0); // api_version 0
        BinaryPrimitives.WriteInt32BigEndian(span[8..], correlationId);
        BinaryPrimitives.WriteInt16BigEndian(span[12..], (short)clientId.Length);
        clientId.CopyTo(span[14..]);
        requestBody.CopyTo(span[(14 + clientId.Length)..]);
        return buffer;
    }

    /// <summary>ApiVersions v0 response after the correlation id: error_code, then [api_key, min_version, max_version].</summary>
    private static Dictionary<short, short> ParseApiVersions(ReadOnlySpan<byte> body)
    {
        if (body.Length < 6)
            throw new InvalidDataException("answered ApiVersions with a truncated response");
        // error_code is ignored: even UNSUPPORTED_VERSION comes with the version list.
        var count = BinaryPrimitives.ReadInt32BigEndian(body[2..]);
        var result = new Dictionary<short, short>();
        var offset = 6;
        for (var i = 0; i < count && offset + 6 <= body.Length; i++, offset += 6)
        {
            var key = BinaryPrimitives.ReadInt16BigEndian(body[offset..]);
            var max = BinaryPrimitives.ReadInt16BigEndian(body[(offset + 4)..]);
            result[key] = max;
        }
        return result;
    }

    private static async Task<bool> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), ct).ConfigureAwait(false);
            if (n == 0)
                return false;
            read += n;
        }
        return true;
    }

    /// <summary>Splits <c>bootstrap.servers</c> into host and port, accepting <c>PLAINTEXT://</c> prefixes and [IPv6].</summary>
    internal static IReadOnlyList<(string Host, int Port)> ParseBootstrap(string bootstrapServers)
    {
        var result = new List<(string, int)>();
        foreach (var raw in bootstrapServers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var entry = raw;
            var scheme = entry.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0)
                entry = entry[(scheme + 3)..];
            string host;
            var port = 9092;
            if (entry.StartsWith('['))
            {
                var close = entry.IndexOf(']');
                if (close < 0)
                    throw new ArgumentException($"Malformed bootstrap server '{raw}'", nameof(bootstrapServers));
                host = entry[1..close];
                if (close + 1 < entry.Length && entry[close + 1] == ':')
                    port = ParsePort(entry[(close + 2)..], raw);
            }
            else
            {
                var colon = entry.LastIndexOf(':');
                host = colon < 0 ? entry : entry[..colon];
                if (colon >= 0)
                    port = ParsePort(entry[(colon + 1)..], raw);
            }
            result.Add((host, port));
        }
        if (result.Count == 0)
            throw new ArgumentException("bootstrap.servers is empty", nameof(bootstrapServers));
        return result;
    }

    private static int ParsePort(string text, string raw) =>
        int.TryParse(text, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"Malformed port in bootstrap server '{raw}'", nameof(raw));
}
