namespace ActorConnect.Api.Config;

/// <summary>
/// A source of configuration values kept out of connector configs (Kafka's ConfigProvider, KIP-297): a connector
/// config says <c>${name:path:key}</c> and the worker asks the provider configured as <c>name</c> for
/// <c>key</c> at <c>path</c> just before the connector or its tasks start, so the secret itself is never stored
/// with the config nor shown by the REST API.
/// </summary>
/// <remarks>
/// Lifecycle: created by the worker from <c>config.providers.&lt;name&gt;.class</c> (a public parameterless
/// constructor is needed), <see cref="Configure"/> is called once with its <c>config.providers.&lt;name&gt;.param.*</c>
/// keys, then <see cref="Get(string)"/> / <see cref="Get(string, IReadOnlySet{string})"/> may be called from any
/// thread, then <see cref="IDisposable.Dispose"/> when the worker stops. Implementations must never log the values
/// they return. A failure to read (a file that cannot be opened) is a <see cref="Errors.ConfigException"/>; an absent
/// key is simply missing from the returned data, and the runtime reports it naming the placeholder.
/// </remarks>
public interface IConfigProvider : IDisposable
{
    /// <summary>Configures the provider with its parameters (the <c>config.providers.&lt;name&gt;.param.</c> prefix removed).</summary>
    void Configure(IReadOnlyDictionary<string, string> parameters);

    /// <summary>Every key and value at <paramref name="path"/> (empty for providers without paths, such as env).</summary>
    ConfigData Get(string path);

    /// <summary>The values of <paramref name="keys"/> at <paramref name="path"/>; keys that do not exist are left out.</summary>
    ConfigData Get(string path, IReadOnlySet<string> keys);
}

/// <summary>Values a <see cref="IConfigProvider"/> returns, with how long they stay valid (Kafka's ConfigData).</summary>
/// <param name="Data">The keys found and their values.</param>
/// <param name="Ttl">
/// How long the values may be used before they should be read again; null when they do not expire. The worker may
/// restart a connector when it passes (<c>config.action.reload=restart</c>).
/// </param>
public sealed record ConfigData(IReadOnlyDictionary<string, string> Data, TimeSpan? Ttl = null)
{
    /// <summary>No values.</summary>
    public static ConfigData Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>Hides the values so that a logged ConfigData cannot leak a secret.</summary>
    public override string ToString() => $"ConfigData {{ Keys = [{string.Join(", ", Data.Keys)}], Ttl = {Ttl?.ToString() ?? "none"} }}";
}
