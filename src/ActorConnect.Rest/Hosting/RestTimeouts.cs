using ActorConnect.Kafka;
using ActorConnect.Runtime;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Rest.Hosting;

/// <summary>The REST server's waits, from the <c>actorconnect.rest</c> HOCON section (defaults in hocon/actorconnect.conf).</summary>
/// <param name="Request">How long a request waits for the worker (<c>request-timeout</c>).</param>
/// <param name="Health">How long <c>GET /health</c> waits (<c>health-timeout</c>).</param>
/// <param name="Shutdown">How long requests in flight may finish when the server stops (<c>shutdown-timeout</c>).</param>
public sealed record RestTimeouts(TimeSpan Request, TimeSpan Health, TimeSpan Shutdown)
{
    private static readonly Lazy<RestTimeouts> Defaults = new(() => Create(RuntimeSettings.DefaultConfig()));

    /// <summary>The timeouts of hocon/actorconnect.conf as shipped.</summary>
    public static RestTimeouts Default => Defaults.Value;

    /// <summary>Reads the section from <paramref name="config"/>, falling back to hocon/actorconnect.conf.</summary>
    /// <exception cref="Api.Errors.ConfigException">A value is bad; the message names its key.</exception>
    public static RestTimeouts Create(Akka.Configuration.Config config)
    {
        var c = HoconSettings.Of(config.WithFallback(RuntimeSettings.DefaultConfig()), "actorconnect.rest");
        return new RestTimeouts(c.Duration("request-timeout"), c.Duration("health-timeout"), c.Duration("shutdown-timeout"));
    }
}
