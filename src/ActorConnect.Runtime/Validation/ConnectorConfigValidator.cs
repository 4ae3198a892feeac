using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Converters;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Errors;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Validation;

/// <summary>
/// Validates a connector config the way Kafka Connect's AbstractHerder.validateConnectorConfig does, for the validate
/// endpoint and before a connector is created: the common keys (source or sink), the keys each listed transformation
/// and predicate brings (<c>transforms.X.*</c>, <c>predicates.Y.*</c>), then the connector's own ConfigDef and its
/// Validate() result, one <see cref="ConfigInfo"/> per defined key, then the client override keys with the worker's
/// <see cref="ClientConfigOverridePolicy"/> errors. Other keys nothing defines are not listed, as in Kafka, but come
/// back as <see cref="ConfigInfos.UnknownKeys"/>, each with the known key it is probably a typo of. Secret
/// values are <c>[hidden]</c> throughout.
/// </summary>
public sealed class ConnectorConfigValidator
{
    /// <summary>Kafka's default header converter: accepted although this runtime does not convert headers with it.</summary>
    public const string SimpleHeaderConverter = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

    private readonly PluginRegistry _plugins;
    private readonly ClientConfigOverridePolicy _policy;

    /// <summary>A validator with the default client config override policy (<see cref="ClientConfigOverridePolicy.Default"/>).</summary>
    public ConnectorConfigValidator(PluginRegistry plugins)
        : this(plugins, ClientConfigOverridePolicy.Default)
    {
    }

    /// <summary>A validator refusing the <c>*.override.*</c> keys <paramref name="policy"/> forbids.</summary>
    public ConnectorConfigValidator(PluginRegistry plugins, ClientConfigOverridePolicy policy)
    {
        _plugins = plugins;
        _policy = policy;
    }

    /// <summary>
    /// The validate endpoint (<c>PUT /connector-plugins/{plugin}/config/validate</c>): <paramref name="plugin"/> names
    /// the connector by alias or class name and fills in <c>connector.class</c> when the config has none.
    /// Throws <see cref="NotFoundException"/> for an unknown plugin (naming the nearest known one) and
    /// <see cref="BadRequestException"/> when the config's <c>connector.class</c> names another connector.
    /// </summary>
    /// <param name="plugin">The connector's alias or class name, from the request path.</param>
    /// <param name="config">The config as given.</param>
    /// <param name="providers">
    /// When given, the config is validated as the connector will see it, its <c>${provider:path:key}</c> placeholders
    /// resolved (as Kafka Connect does), but values and errors (the connector's own included) show the placeholders.
    /// </param>
    public ConfigInfos Validate(string plugin, IReadOnlyDictionary<string, string> config, ConfigProviders? providers = null)
    {
        var connector = _plugins.TryResolve(plugin) ?? throw _plugins.UnknownConnector(plugin);
        if (config.TryGetValue(ConnectorConfig.ConnectorClass, out var included) && !string.IsNullOrWhiteSpace(included))
        {
            if (_plugins.TryResolve(included) != connector)
            {
                throw new BadRequestException($"Included connector type {included} does not match request type {plugin}");
            }

            return Validate(connector, config, providers);
        }

        var withClass = new Dictionary<string, string>(config, StringComparer.Ordinal) { [ConnectorConfig.ConnectorClass] = plugin };
        return Validate(connector, withClass, providers);
    }

    /// <summary>Validates <paramref name="config"/> against an already resolved connector plugin; see <see cref="Validate(string, IReadOnlyDictionary{string, string}, ConfigProviders?)"/>.</summary>
    public ConfigInfos Validate(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config, ConfigProviders? providers = null) =>
        Validate(plugin, config, providers?.Resolve(config) ?? config, providers?.Secrets);

    /// <summary>
    /// Validates the <paramref name="resolved"/> config, showing the <paramref name="raw"/> values where they differ,
    /// and errors with what <paramref name="secrets"/> knows redacted, and the config's own secret values
    /// <c>[hidden]</c>.
    /// </summary>
    internal ConfigInfos Validate(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> raw, IReadOnlyDictionary<string, string> resolved, SecretRedactor? secrets)
    {
        var infos = ValidateResolved(plugin, resolved);
        return HideSecretValues(ReferenceEquals(raw, resolved) ? infos : ShowPlaceholders(infos, raw, resolved, secrets), raw, resolved);
    }

    /// <summary>
    /// Hides the values of the config's secret keys wherever an answer would quote them: a value rendered as a
    /// STRING, an error such as "Invalid value s3cr3t for configuration ssl.key.password", or a connector's own
    /// message. The answer, its 400 and its log line go to people who may not see the secret.
    /// </summary>
    private static ConfigInfos HideSecretValues(ConfigInfos infos, IReadOnlyDictionary<string, string> raw, IReadOnlyDictionary<string, string> resolved)
    {
        var hidden = new SecretRedactor();
        hidden.Hide(raw);
        hidden.Hide(resolved);
        if (hidden.IsEmpty)
        {
            return infos;
        }

        var configs = infos.Configs.Select(c => c with
        {
            Value = c.Value with
            {
                Value = hidden.Redact(c.Value.Value),
                RecommendedValues = c.Value.RecommendedValues.Select(v => hidden.Redact(v)).ToList(),
                Errors = c.Value.Errors.Select(e => hidden.Redact(e)).ToList(),
            },
        }).ToList();
        return infos with { Configs = configs };
    }

    /// <summary>
    /// Puts the placeholders back where values came from a config provider: in the values shown, in the standard
    /// "Invalid value X for configuration K" errors (even for a value too short for the redactor), and wherever else
    /// an error, the connector's own included, quotes a resolved value.
    /// </summary>
    private static ConfigInfos ShowPlaceholders(ConfigInfos infos, IReadOnlyDictionary<string, string> raw, IReadOnlyDictionary<string, string> resolved, SecretRedactor? secrets)
    {
        var changed = raw.Where(kv => resolved.TryGetValue(kv.Key, out var r) && r != kv.Value).ToDictionary(kv => kv.Key, kv => (Raw: kv.Value, Resolved: resolved[kv.Key]));
        if (changed.Count == 0)
        {
            return infos;
        }

        string Unresolve(string error)
        {
            var shown = changed.Aggregate(error, (e, kv) =>
                e.Replace($"Invalid value {kv.Value.Resolved} for configuration {kv.Key}:", $"Invalid value {kv.Value.Raw} for configuration {kv.Key}:", StringComparison.Ordinal));
            return secrets?.Redact(shown) ?? shown;
        }

        // A resolved value can also turn up in the keys themselves: transforms=a,${env:X} makes transforms.<value>.type,
        // its group "Transforms: <value>", its documentation and its display name.
        string R(string text) => secrets?.Redact(text) ?? text;
        string? RN(string? text) => text is null ? null : R(text);
        var configs = infos.Configs.Select(c =>
        {
            var shown = changed.TryGetValue(c.Value.Name, out var values) && c.Definition.Type != "PASSWORD" ? values.Raw : RN(c.Value.Value);
            var definition = c.Definition with
            {
                Name = R(c.Definition.Name), Group = RN(c.Definition.Group), DisplayName = R(c.Definition.DisplayName),
                Documentation = R(c.Definition.Documentation), Dependents = c.Definition.Dependents.Select(R).ToList(),
            };
            return new ConfigInfo(definition, c.Value with { Name = R(c.Value.Name), Value = shown, Errors = c.Value.Errors.Select(Unresolve).ToList() });
        }).ToList();
        return infos with { Groups = infos.Groups.Select(R).ToList(), Configs = configs };
    }

    private ConfigInfos ValidateResolved(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config)
    {
        var common = Enrich(ConnectorConfig.For(plugin.IsSource), config);
        var values = common.Validate(config).ToList();
        if (!plugin.IsSource)
        {
            SinkChecks(config, values);
        }

        var connector = (Connector)Activator.CreateInstance(plugin.Type)!;
        var own = connector.Config();
        values.AddRange(connector.Validate(config));

        var keys = new List<ConfigKey>(common.Keys);
        foreach (var key in own.Keys)
        {
            var at = keys.FindIndex(k => k.Name == key.Name);
            if (at >= 0)
            {
                keys[at] = key;
            }
            else
            {
                keys.Add(key);
            }
        }

        var groups = common.Groups.Concat(own.Groups).Distinct(StringComparer.Ordinal).ToList();
        return WithClientOverrides(Result(plugin.ClassName, keys, values, groups), _policy.Validate(config, plugin.IsSource)) with
        {
            UnknownKeys = Validation.UnknownKeys.InConnector(config, keys.Select(k => k.Name), _plugins),
        };
    }

    /// <summary>
    /// The keys of <paramref name="config"/> that nothing reads (see <see cref="Validation.UnknownKeys"/>), without
    /// validating it: what a connector warns about when it starts.
    /// </summary>
    public IReadOnlyList<UnknownKey> FindUnknownKeys(ConnectorPlugin plugin, IReadOnlyDictionary<string, string> config)
    {
        var common = Enrich(ConnectorConfig.For(plugin.IsSource), config);
        var own = ((Connector)Activator.CreateInstance(plugin.Type)!).Config();
        return Validation.UnknownKeys.InConnector(config, common.Keys.Concat(own.Keys).Select(k => k.Name), _plugins);
    }

    /// <summary>The client override keys after the connector's own, as Kafka Connect lists them, with the policy's errors.</summary>
    private static ConfigInfos WithClientOverrides(ConfigInfos infos, IReadOnlyList<ConfigValue> overrides) =>
        overrides.Count == 0
            ? infos
            : infos with
            {
                ErrorCount = infos.ErrorCount + overrides.Sum(v => v.Errors.Count),
                Configs = infos.Configs.Concat(overrides.Select(v => new ConfigInfo(ConfigInfoRenderer.Undefined(v.Name), ConfigInfoRenderer.Value(v, null)))).ToList(),
            };

    private static ConfigInfos Result(string name, IReadOnlyList<ConfigKey> keys, IReadOnlyList<ConfigValue> values, IReadOnlyList<string> groups)
    {
        var defined = keys.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
        var configs = new List<ConfigInfo>();
        var byName = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var errors = 0;
        foreach (var value in values)
        {
            // The connector's own result comes last and wins for a key both define, as in Kafka.
            byName[value.Name] = value;
            if (!defined.Contains(value.Name))
            {
                configs.Add(new ConfigInfo(ConfigInfoRenderer.Undefined(value.Name), ConfigInfoRenderer.Value(value, null)));
                errors += value.Errors.Count;
            }
        }

        foreach (var key in keys)
        {
            var value = byName.GetValueOrDefault(key.Name) ?? new ConfigValue(key.Name, null, Array.Empty<object>(), Array.Empty<string>());
            errors += value.Errors.Count;
            configs.Add(new ConfigInfo(ConfigInfoRenderer.Key(key), ConfigInfoRenderer.Value(value, key.Type)));
        }

        return new ConfigInfos(name, errors, groups, configs);
    }

    /// <summary>
    /// The common definition plus, for each alias in <c>transforms</c> and <c>predicates</c>, its <c>type</c> key and
    /// the keys its plugin defines (Kafka's ConnectorConfig.enrich), and converter classes checked against the
    /// known converters.
    /// </summary>
    private ConfigDef Enrich(ConfigDef baseDef, IReadOnlyDictionary<string, string> config)
    {
        var def = new ConfigDef();
        foreach (var key in baseDef.Keys)
        {
            def.Define(key.Name switch
            {
                ConnectorConfig.KeyConverter or ConnectorConfig.ValueConverter => key with { Validator = KnownClass(c => ConverterNames.IsKnown(c)) },
                ConnectorConfig.HeaderConverter => key with { Validator = KnownClass(c => ConverterNames.IsKnown(c) || c == SimpleHeaderConverter) },
                _ => key,
            });
        }

        var predicates = Aliases(config, ConnectorConfig.Predicates);
        foreach (var alias in Aliases(config, ConnectorConfig.Transforms))
        {
            DefineAlias(def, config, ConnectorConfig.Transforms, ConnectorConfig.TransformsGroup, alias, PluginKind.Transformation, predicates);
        }

        foreach (var alias in predicates)
        {
            DefineAlias(def, config, ConnectorConfig.Predicates, ConnectorConfig.PredicatesGroup, alias, PluginKind.Predicate, predicates);
        }

        return def;
    }

    private void DefineAlias(ConfigDef def, IReadOnlyDictionary<string, string> config, string baseKey, string baseGroup, string alias, PluginKind kind, IReadOnlyList<string> predicates)
    {
        var prefix = $"{baseKey}.{alias}.";
        var group = $"{baseGroup}: {alias}";
        var typeKey = prefix + "type";
        var kindName = kind == PluginKind.Transformation ? "transformation" : "predicate";
        var known = _plugins.AllPlugins.Where(p => p.Kind == kind).ToList();
        def.Define(new ConfigKey
        {
            Name = typeKey,
            Type = ConfigType.Class,
            HasDefault = false,
            Importance = Importance.High,
            Documentation = $"Class for the '{alias}' {kindName}.",
            Group = group,
            OrderInGroup = 0,
            Width = ConfigWidth.Long,
            DisplayName = $"{(kind == PluginKind.Transformation ? "Transformation" : "Predicate")} type for {alias}",
            RecommendedValues = known.Select(p => (object)p.ClassName).Order().ToArray(),
            Validator = ConfigValidators.Lambda(v =>
            {
                if (kind == PluginKind.Transformation && config.ContainsKey(prefix + "negate") && !config.ContainsKey(prefix + "predicate"))
                {
                    return $"Config '{prefix}negate' was provided but there is no config '{prefix}predicate' defining a predicate to be negated.";
                }

                return v is string name && _plugins.Find(name, kind) is null ? $"Class {name} could not be found." : null;
            }, $"valid configs for {alias} {kindName}"),
        });

        var order = 1;
        if (kind == PluginKind.Transformation)
        {
            def.Define(new ConfigKey
            {
                Name = prefix + "predicate",
                Type = ConfigType.String,
                HasDefault = true,
                DefaultValue = string.Empty,
                Importance = Importance.Medium,
                Documentation = "The alias of a predicate used to determine whether to apply this transformation.",
                Group = group,
                OrderInGroup = order++,
                DisplayName = prefix + "predicate",
                Validator = ConfigValidators.Lambda(
                    v => v is string { Length: > 0 } p && !predicates.Contains(p, StringComparer.Ordinal)
                        ? $"Transformation '{alias}' refers to predicate '{p}', which is not listed in {ConnectorConfig.Predicates}"
                        : null,
                    "an alias listed in predicates"),
            });
            def.Define(new ConfigKey
            {
                Name = prefix + "negate",
                Type = ConfigType.Boolean,
                HasDefault = true,
                DefaultValue = false,
                Importance = Importance.Medium,
                Documentation = "Whether the configured predicate should be negated.",
                Group = group,
                OrderInGroup = order++,
                DisplayName = prefix + "negate",
            });
        }

        if (config.TryGetValue(typeKey, out var typeName) && _plugins.Find(typeName, kind) is { } plugin)
        {
            foreach (var key in plugin.Config().Keys.Where(k => kind != PluginKind.Transformation || k.Name is not ("predicate" or "negate")))
            {
                def.Define(key with
                {
                    Name = prefix + key.Name,
                    Group = key.Group is null ? group : $"{group}: {key.Group}",
                    OrderInGroup = order++,
                    Dependents = key.Dependents.Select(d => prefix + d).ToArray(),
                });
            }
        }
    }

    /// <summary>Kafka's SinkConnectorConfig.validate: exactly one of topics and topics.regex, and the DLQ topic not among them.</summary>
    private static void SinkChecks(IReadOnlyDictionary<string, string> config, List<ConfigValue> values)
    {
        config.TryGetValue(ConnectorConfig.Topics, out var topics);
        config.TryGetValue(ConnectorConfig.TopicsRegex, out var regex);
        config.TryGetValue(ConnectorConfig.DlqTopicName, out var dlq);
        var list = (topics ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Kafka counts "topics= , " as set and then subscribes to nothing; an empty list is no topics.
        var hasTopics = list.Length > 0;
        var hasRegex = !string.IsNullOrWhiteSpace(regex);
        dlq = dlq?.Trim();

        void AddError(string key, string error)
        {
            var at = values.FindIndex(v => v.Name == key);
            values[at] = values[at].WithError(error);
        }

        if (hasTopics && hasRegex)
        {
            var error = $"{ConnectorConfig.Topics} and {ConnectorConfig.TopicsRegex} are mutually exclusive options, but both are set.";
            AddError(ConnectorConfig.Topics, error);
            AddError(ConnectorConfig.TopicsRegex, error);
        }

        if (!hasTopics && !hasRegex)
        {
            var error = $"Must configure one of {ConnectorConfig.Topics} or {ConnectorConfig.TopicsRegex}";
            AddError(ConnectorConfig.Topics, error);
            AddError(ConnectorConfig.TopicsRegex, error);
        }

        if (string.IsNullOrEmpty(dlq))
        {
            return;
        }

        if (hasTopics && list.Contains(dlq, StringComparer.Ordinal))
        {
            AddError(ConnectorConfig.Topics,
                $"The DLQ topic '{dlq}' may not be included in the list of topics ('{ConnectorConfig.Topics}=[{string.Join(", ", list)}]') consumed by the connector");
        }

        if (hasRegex && IsFullMatch(regex!, dlq))
        {
            AddError(ConnectorConfig.TopicsRegex,
                $"The DLQ topic '{dlq}' may not be included in the regex matching the topics ('{ConnectorConfig.TopicsRegex}={regex}') consumed by the connector");
        }
    }

    private static bool IsFullMatch(string regex, string value)
    {
        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(value, $"^(?:{regex})$");
        }
        catch (ArgumentException)
        {
            // Already reported on topics.regex by its validator.
            return false;
        }
    }

    private static IReadOnlyList<string> Aliases(IReadOnlyDictionary<string, string> config, string key) =>
        config.TryGetValue(key, out var raw)
            ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList()
            : Array.Empty<string>();

    private static IConfigValidator KnownClass(Func<string, bool> isKnown) => ConfigValidators.Lambda(
        v => v is string name && name.Length > 0 && !isKnown(name.Trim()) ? $"Class {name} could not be found." : null,
        "a known class");
}
