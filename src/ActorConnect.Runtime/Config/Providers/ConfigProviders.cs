using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>A config with its placeholders resolved, and how long the values read stay valid.</summary>
/// <param name="Data">The resolved config. Holds secrets: never log it, never return it through the REST API.</param>
/// <param name="Ttls">For each provider path that returned a TTL, the shortest one (Kafka's ConfigTransformerResult).</param>
public sealed record ResolvedConfig(IReadOnlyDictionary<string, string> Data, IReadOnlyDictionary<string, TimeSpan> Ttls);

/// <summary>
/// The worker's config providers (KIP-297, Kafka's WorkerConfigTransformer), built from the worker properties
/// <c>config.providers=env,file</c>, <c>config.providers.&lt;name&gt;.class</c> and
/// <c>config.providers.&lt;name&gt;.param.&lt;key&gt;</c>. Resolves <c>${provider:path:key}</c> (or
/// <c>${provider:key}</c>) placeholders in connector configs just before use, puts them back into task configs so the
/// REST API never shows a secret, and remembers every value resolved in <see cref="Secrets"/>, which puts the
/// placeholders back into any text that leaves the runtime; the values of secret keys (passwords, JAAS configs) of
/// every config resolved, and of the worker's, are remembered there too, shown as <c>[hidden]</c>. Thread-safe once built.
/// </summary>
public sealed class ConfigProviders : IDisposable
{
    public const string ProvidersKey = "config.providers";

    // Kafka's ConfigTransformer.DEFAULT_PATTERN: provider, optional path, key.
    private static readonly Regex Placeholder = new(@"\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}", RegexOptions.Compiled);

    private static readonly (IReadOnlyList<string> Names, Type Type, Func<IConfigProvider> Create)[] BuiltIns =
    [
        (EnvVarConfigProvider.Aliases, typeof(EnvVarConfigProvider), () => new EnvVarConfigProvider()),
        (FileConfigProvider.Aliases, typeof(FileConfigProvider), () => new FileConfigProvider()),
        (DirectoryConfigProvider.Aliases, typeof(DirectoryConfigProvider), () => new DirectoryConfigProvider()),
    ];

    private readonly IReadOnlyDictionary<string, IConfigProvider> _providers;
    private readonly Action<string>? _warn;

    /// <summary>Uses the given providers by name; <paramref name="warn"/> receives warnings (never values).</summary>
    public ConfigProviders(IReadOnlyDictionary<string, IConfigProvider> providers, Action<string>? warn = null)
    {
        _providers = providers;
        _warn = warn;
    }

    /// <summary>No providers: placeholders are left as they are.</summary>
    public static ConfigProviders None { get; } = new(new Dictionary<string, IConfigProvider>());

    /// <summary>The configured provider names.</summary>
    public IReadOnlyCollection<string> Names => _providers.Keys.ToList();

    /// <summary>Every value these providers have resolved, to redact from any text that leaves the runtime.</summary>
    public SecretRedactor Secrets { get; } = new();

    /// <summary>
    /// Builds and configures the providers the worker properties declare. Throws <see cref="ConfigException"/> naming
    /// the key when a provider has no class or an unknown one. <paramref name="warn"/> receives warnings, for example
    /// <c>msg => system.Log.Warning(msg)</c>.
    /// </summary>
    public static ConfigProviders FromWorkerProperties(IReadOnlyDictionary<string, string> workerProperties, Action<string>? warn = null)
    {
        var providers = new Dictionary<string, IConfigProvider>(StringComparer.Ordinal);
        if (!workerProperties.TryGetValue(ProvidersKey, out var list))
        {
            return WithWorkerSecretsHidden(new ConfigProviders(providers, warn), workerProperties);
        }

        try
        {
            foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal))
            {
                var classKey = $"{ProvidersKey}.{name}.class";
                if (!workerProperties.TryGetValue(classKey, out var className) || string.IsNullOrWhiteSpace(className))
                {
                    throw new ConfigException($"Missing required configuration \"{classKey}\" which has no default value: " +
                                              $"config provider '{name}' is listed in {ProvidersKey} but has no class, for example {classKey}={FileConfigProvider.Aliases[0]}");
                }

                var provider = Create(classKey, className.Trim());
                var paramPrefix = $"{ProvidersKey}.{name}.param.";
                provider.Configure(workerProperties.Where(kv => kv.Key.StartsWith(paramPrefix, StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key[paramPrefix.Length..], kv => kv.Value, StringComparer.Ordinal));
                providers[name] = provider;
                if (provider is ILimitedConfigProvider { IsLimited: false } limited)
                {
                    warn?.Invoke($"Config provider '{name}' resolves nothing until {LimitKey(name, limited)} says what connector configs may read " +
                                 $"(for example {limited.LimitExample}); its placeholders are refused until then.");
                }
            }
        }
        catch
        {
            foreach (var provider in providers.Values)
            {
                provider.Dispose();
            }

            throw;
        }

        return WithWorkerSecretsHidden(new ConfigProviders(providers, warn), workerProperties);
    }

    // The worker's own passwords (ssl.keystore.password, producer.sasl.jaas.config, ...) are hidden like connectors'.
    private static ConfigProviders WithWorkerSecretsHidden(ConfigProviders providers, IReadOnlyDictionary<string, string> workerProperties)
    {
        providers.Secrets.Hide(workerProperties);
        return providers;
    }

    /// <summary>
    /// Resolves every placeholder of <paramref name="raw"/>. A placeholder naming a provider that is not configured is
    /// left as it is (as Kafka does) with one warning naming the key; a key the provider does not have, a provider that
    /// cannot read or may not read the path (or, with no limit set, anything) fails with a <see cref="ConfigException"/>
    /// naming the placeholder and the config key, never a value.
    /// </summary>
    public IReadOnlyDictionary<string, string> Resolve(IReadOnlyDictionary<string, string> raw) => ResolveWithTtls(raw).Data;

    /// <summary><see cref="Resolve"/>, also returning the TTLs the providers gave, per provider path.</summary>
    public ResolvedConfig ResolveWithTtls(IReadOnlyDictionary<string, string> raw)
    {
        // Ask each provider once per path, for every key wanted there, as Kafka's ConfigTransformer does.
        var wanted = new Dictionary<(string Provider, string Path), (HashSet<string> Keys, string ConfigKey, string Placeholder)>();
        foreach (var (key, value) in raw)
        {
            foreach (Match m in Placeholder.Matches(value))
            {
                var provider = m.Groups[1].Value;
                if (!_providers.ContainsKey(provider))
                {
                    _warn?.Invoke($"Config key {key} refers to config provider '{provider}', which is not configured in {ProvidersKey}; its value is left unresolved.");
                    continue;
                }

                var at = (provider, m.Groups[3].Value);
                if (!wanted.TryGetValue(at, out var want))
                {
                    // The first placeholder asking at this path is the one an error names.
                    wanted[at] = want = (new HashSet<string>(StringComparer.Ordinal), key, m.Value);
                }

                want.Keys.Add(m.Groups[4].Value);
            }
        }

        // Every config resolved for use passes here: from now on its secret values are [hidden] in any text that leaves.
        if (wanted.Count == 0)
        {
            Secrets.Hide(raw);
            return new ResolvedConfig(raw, new Dictionary<string, TimeSpan>());
        }

        var found = new Dictionary<(string Provider, string Path), IReadOnlyDictionary<string, string>>();
        var ttls = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var (at, want) in wanted)
        {
            var data = Get(at.Provider, at.Path, want.Keys, want.ConfigKey, want.Placeholder);
            found[at] = data.Data;
            if (data.Ttl is { } ttl)
            {
                ttls[at.Path] = ttls.TryGetValue(at.Path, out var other) && other < ttl ? other : ttl;
            }
        }

        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in raw)
        {
            resolved[key] = Placeholder.Replace(value, m =>
            {
                var at = (m.Groups[1].Value, m.Groups[3].Value);
                if (!found.TryGetValue(at, out var data))
                {
                    return m.Value;
                }

                if (data.TryGetValue(m.Groups[4].Value, out var secret))
                {
                    Secrets.Remember(secret, m.Value);
                    return secret;
                }

                throw new ConfigException($"Config key {key}: placeholder {m.Value} cannot be resolved: config provider '{at.Item1}' " +
                                          $"has no key '{m.Groups[4].Value}'" + (at.Item2.Length > 0 ? $" at '{at.Item2}'." : "."));
            });
        }

        Secrets.Hide(resolved);
        return new ResolvedConfig(resolved, ttls);
    }

    /// <summary>
    /// Puts the placeholders back into task configs a connector generated from its resolved config (Kafka's
    /// AbstractHerder.reverseTransform): every task key whose connector value holds a placeholder gets the connector's
    /// raw value, so the REST API shows <c>${file:...}</c> rather than the secret. Tasks resolve them again at start.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ReverseTransform(IReadOnlyDictionary<string, string> rawConnectorConfig, IReadOnlyDictionary<string, string> taskConfig)
    {
        var result = new Dictionary<string, string>(taskConfig, StringComparer.Ordinal);
        foreach (var key in taskConfig.Keys)
        {
            if (rawConnectorConfig.TryGetValue(key, out var raw) && Placeholder.IsMatch(raw))
            {
                result[key] = raw;
            }
        }

        return result;
    }

    /// <summary><see cref="ReverseTransform(IReadOnlyDictionary{string,string},IReadOnlyDictionary{string,string})"/> for every task.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> ReverseTransform(IReadOnlyDictionary<string, string> rawConnectorConfig, IEnumerable<IReadOnlyDictionary<string, string>> taskConfigs) =>
        taskConfigs.Select(t => ReverseTransform(rawConnectorConfig, t)).ToList();

    /// <summary>True when <paramref name="value"/> holds a <c>${provider:...}</c> placeholder.</summary>
    public static bool HasPlaceholder(string value) => Placeholder.IsMatch(value);

    public void Dispose()
    {
        foreach (var provider in _providers.Values)
        {
            provider.Dispose();
        }
    }

    private static string LimitKey(string provider, ILimitedConfigProvider limited) => $"{ProvidersKey}.{provider}.param.{limited.LimitParameter}";

    /// <summary>One provider's values at one path; its refusals and failures name the config key and the placeholder.</summary>
    private ConfigData Get(string name, string path, IReadOnlySet<string> keys, string configKey, string placeholder)
    {
        var provider = _providers[name];
        var failure = $"Config key {configKey}: placeholder {placeholder} cannot be resolved: ";
        if (provider is ILimitedConfigProvider { IsLimited: false } limited)
        {
            throw new ConfigException(failure + $"config provider '{name}' resolves nothing until the worker property {LimitKey(name, limited)} " +
                                      $"says what connector configs may read (for example {limited.LimitExample}). Set it in the worker config and restart the worker.");
        }

        try
        {
            return provider.Get(path, keys);
        }
        catch (ConfigException e)
        {
            throw new ConfigException(failure + e.Message);
        }
    }

    private static IConfigProvider Create(string classKey, string className)
    {
        foreach (var (names, type, create) in BuiltIns)
        {
            if (names.Contains(className, StringComparer.Ordinal) || type.FullName == className)
            {
                return create();
            }
        }

        // A third-party provider: an assembly-qualified .NET type name the host can load.
        var custom = Type.GetType(className, throwOnError: false);
        if (custom is not null && typeof(IConfigProvider).IsAssignableFrom(custom) && custom.GetConstructor(Type.EmptyTypes) is not null)
        {
            return (IConfigProvider)Activator.CreateInstance(custom)!;
        }

        throw new ConfigException(classKey, className,
            $"Class {className} could not be found or is not a config provider. Known: {string.Join(", ", BuiltIns.SelectMany(b => b.Names))}, " +
            "or the assembly-qualified name of a .NET type implementing IConfigProvider with a public parameterless constructor.");
    }
}
