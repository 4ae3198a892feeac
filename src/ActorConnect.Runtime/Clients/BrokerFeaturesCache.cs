using ActorConnect.Kafka;
using ActorConnect.Kafka.ClientKeys;

namespace ActorConnect.Runtime.Clients;

/// <summary>
/// Probes the broker once per worker and remembers what it can do, so every task's clients get the same
/// compatibility settings. A probe that fails is not remembered: the next task start tries again, which is how a
/// broker that was down at start is picked up when it comes back.
/// </summary>
public sealed class BrokerFeaturesCache(string bootstrapServers, Action<string>? onDetected = null, BrokerFeatures? declared = null,
    KafkaSecurity? security = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly bool _declared = declared is not null;
    private BrokerFeatures? _features = declared;
    private bool _declaredLogged;

    public string BootstrapServers { get; } = bootstrapServers;

    /// <summary>What the worker's clients speak (TLS, SASL), which the probe and the reachability check speak too.</summary>
    public KafkaSecurity Security { get; } = security ?? KafkaSecurity.Plaintext;

    /// <summary>The detected features, or null while not yet known.</summary>
    public BrokerFeatures? Known => _features;

    /// <summary>Detects (once) the broker's features; throws <see cref="KafkaBrokerUnreachableException"/> while it cannot be reached.</summary>
    public async Task<BrokerFeatures> GetAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_features is { } known)
        {
            if (_declared && !_declaredLogged)
            {
                _declaredLogged = true;
                onDetected?.Invoke("as declared by api.version.request=false / broker.version.fallback: " + known.Describe());
            }

            return known;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_features is null)
            {
                _features = await KafkaBrokerProbe.DetectAsync(BootstrapServers, timeout, cancellationToken, Security).ConfigureAwait(false);
                onDetected?.Invoke(_features.Describe());
            }

            return _features;
        }
        finally
        {
            _gate.Release();
        }
    }
}
