using System.Reflection;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Transforms;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Transforms;

/// <summary>
/// Builds a task's <see cref="TransformationChain{TRecord}"/> from its connector config, as Kafka Connect's
/// ConnectorConfig.transformationStages: <c>transforms=A,B</c>, <c>transforms.A.type</c> (any name the plugin
/// registry resolves), the transform's own keys under <c>transforms.A.</c>, and the implicit <c>predicate</c> and
/// <c>negate</c>; <c>predicates=P</c>, <c>predicates.P.type</c>, its keys under <c>predicates.P.</c>. Every transform
/// gets a fresh predicate instance of its own. A plugin may implement the SPI for this task's record type, for
/// <see cref="ConnectRecord"/> (both kinds), or be an open generic over the record type.
/// </summary>
public static class TransformationChainFactory
{
    private static readonly MethodInfo AdaptTransformationMethod = typeof(TransformationChainFactory).GetMethod(nameof(AdaptTransformation), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo AdaptPredicateMethod = typeof(TransformationChainFactory).GetMethod(nameof(AdaptPredicate), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static TransformationChain<TRecord> Create<TRecord>(IReadOnlyDictionary<string, string> config, PluginRegistry plugins)
        where TRecord : ConnectRecord
    {
        var aliases = Aliases(config, ConnectorConfig.Transforms);
        if (aliases.Count == 0)
        {
            return TransformationChain<TRecord>.Empty;
        }

        var predicates = Aliases(config, ConnectorConfig.Predicates);
        var stages = new List<TransformationStage<TRecord>>(aliases.Count);
        try
        {
            foreach (var alias in aliases)
            {
                stages.Add(CreateStage<TRecord>(config, plugins, alias, predicates));
            }
        }
        catch
        {
            foreach (var stage in stages)
            {
                stage.Dispose();
            }

            throw;
        }

        return new TransformationChain<TRecord>(stages);
    }

    private static TransformationStage<TRecord> CreateStage<TRecord>(IReadOnlyDictionary<string, string> config, PluginRegistry plugins, string alias,
        IReadOnlyList<string> predicates)
        where TRecord : ConnectRecord
    {
        var prefix = $"{ConnectorConfig.Transforms}.{alias}.";
        var predicateAlias = config.GetValueOrDefault(prefix + "predicate")?.Trim();
        predicateAlias = string.IsNullOrEmpty(predicateAlias) ? null : predicateAlias;
        var negate = false;
        if (config.TryGetValue(prefix + "negate", out var negateText))
        {
            if (!bool.TryParse(negateText.Trim(), out negate))
            {
                throw new ConfigException(prefix + "negate", negateText, "Expected value to be either true or false");
            }

            if (predicateAlias is null)
            {
                throw new ConfigException($"Config '{prefix}negate' was provided but there is no config '{prefix}predicate' defining a predicate to be negated.");
            }
        }

        if (predicateAlias is not null && !predicates.Contains(predicateAlias, StringComparer.Ordinal))
        {
            throw new ConfigException(prefix + "predicate", predicateAlias,
                $"Transformation '{alias}' refers to predicate '{predicateAlias}', which is not listed in {ConnectorConfig.Predicates}");
        }

        var (type, instance) = Instantiate<TRecord>(config, plugins, prefix, PluginKind.Transformation, typeof(ITransformation<>));
        try
        {
            var apply = (Func<TRecord, TRecord?>)Adapt<TRecord>(AdaptTransformationMethod, typeof(ITransformation<>), type, instance, prefix, PluginConfig(config, prefix));
            if (predicateAlias is null)
            {
                return new TransformationStage<TRecord>(alias, type, apply, (IDisposable)instance, null, null, null, false);
            }

            var predicatePrefix = $"{ConnectorConfig.Predicates}.{predicateAlias}.";
            var (predicateType, predicate) = Instantiate<TRecord>(config, plugins, predicatePrefix, PluginKind.Predicate, typeof(IPredicate<>));
            try
            {
                var test = (Func<TRecord, bool>)Adapt<TRecord>(AdaptPredicateMethod, typeof(IPredicate<>), predicateType, predicate, predicatePrefix, PluginConfig(config, predicatePrefix));
                return new TransformationStage<TRecord>(alias, type, apply, (IDisposable)instance, predicateAlias, test, (IDisposable)predicate, negate);
            }
            catch
            {
                ((IDisposable)predicate).Dispose();
                throw;
            }
        }
        catch
        {
            ((IDisposable)instance).Dispose();
            throw;
        }
    }

    /// <summary>Resolves <c>&lt;prefix&gt;type</c> and creates the plugin, closed over <typeparamref name="TRecord"/> when it is generic.</summary>
    private static (Type Type, object Instance) Instantiate<TRecord>(IReadOnlyDictionary<string, string> config, PluginRegistry plugins, string prefix,
        PluginKind kind, Type spi)
    {
        var typeKey = prefix + "type";
        if (!config.TryGetValue(typeKey, out var typeName) || string.IsNullOrWhiteSpace(typeName))
        {
            throw new ConfigException($"Missing required configuration \"{typeKey}\" which has no default value.");
        }

        var type = plugins.Find(typeName, kind)?.Type
            ?? throw new ConfigException(typeKey, typeName, $"Class {typeName} could not be found.");
        if (type.IsGenericTypeDefinition)
        {
            try
            {
                type = type.MakeGenericType(typeof(TRecord));
            }
            catch (ArgumentException)
            {
                throw new ConfigException(typeKey, typeName, $"{type.Name} cannot be closed over {typeof(TRecord).Name}.");
            }
        }

        if (RecordTypeOf(type, spi, typeof(TRecord)) is null)
        {
            var kindName = kind == PluginKind.Transformation ? "transforms" : "tests";
            var handled = string.Join(", ", type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == spi).Select(i => i.GetGenericArguments()[0].Name));
            throw new ConfigException(typeKey, typeName,
                $"{type.FullName} {kindName} {handled} records, so it cannot be used by a connector whose records are {typeof(TRecord).Name}s.");
        }

        return (type, Activator.CreateInstance(type)!);
    }

    private static Delegate Adapt<TRecord>(MethodInfo adapter, Type spi, Type type, object instance, string prefix, IReadOnlyDictionary<string, string> configs)
    {
        var handled = RecordTypeOf(type, spi, typeof(TRecord))!;
        try
        {
            return (Delegate)adapter.MakeGenericMethod(typeof(TRecord), handled).Invoke(null, [instance, prefix, configs])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static Func<TRecord, TRecord?> AdaptTransformation<TRecord, TIn>(object instance, string prefix, IReadOnlyDictionary<string, string> configs)
        where TIn : ConnectRecord
        where TRecord : TIn
    {
        var transformation = (ITransformation<TIn>)instance;
        Configure(prefix, transformation.Config(), () => transformation.Configure(configs), configs);
        if (transformation is ITransformation<TRecord> exact)
        {
            return exact.Apply;
        }

        return record => transformation.Apply(record) switch
        {
            null => null,
            TRecord same => same,
            var other => throw new DataException(
                $"Transformation {prefix}type ({instance.GetType().FullName}) returned a {other.GetType().Name} where a {typeof(TRecord).Name} was expected; " +
                "transforms must keep the record's kind (use a with expression on the record they are given)."),
        };
    }

    private static Func<TRecord, bool> AdaptPredicate<TRecord, TIn>(object instance, string prefix, IReadOnlyDictionary<string, string> configs)
        where TIn : ConnectRecord
        where TRecord : TIn
    {
        var predicate = (IPredicate<TIn>)instance;
        Configure(prefix, predicate.Config(), () => predicate.Configure(configs), configs);
        return record => predicate.Test(record);
    }

    /// <summary>
    /// Checks the plugin's keys against its own definition first, so a missing or wrong key is reported with its full
    /// name (<c>transforms.A.field</c>) whatever the plugin's Configure would have thrown; then configures it.
    /// </summary>
    private static void Configure(string prefix, ConfigDef definition, Action configure, IReadOnlyDictionary<string, string> configs)
    {
        var problems = definition.Validate(configs).SelectMany(v => v.Errors.Select(e => $"{prefix}{v.Name}: {e}")).ToList();
        if (problems.Count > 0)
        {
            throw new ConfigException($"Invalid configuration for {prefix}*: {string.Join("; ", problems)}");
        }

        try
        {
            configure();
        }
        catch (ConfigException e)
        {
            // The plugin names its own key; the prefix says which of the connector's plugins it is.
            throw new ConfigException($"Invalid configuration for {prefix}*: {e.Message}");
        }
    }

    /// <summary>
    /// The record type a plugin handles for <paramref name="record"/>: the SPI's type argument that is the record type
    /// or a base of it, the most specific one when it implements several.
    /// </summary>
    private static Type? RecordTypeOf(Type type, Type spi, Type record) =>
        type.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == spi)
            .Select(i => i.GetGenericArguments()[0])
            .Where(t => t.IsAssignableFrom(record))
            .OrderBy(t => t == record ? 0 : 1)
            .FirstOrDefault();

    /// <summary>A plugin's own keys: everything under its prefix but the chain's own <c>type</c>, <c>predicate</c> and <c>negate</c>.</summary>
    private static Dictionary<string, string> PluginConfig(IReadOnlyDictionary<string, string> config, string prefix) =>
        config.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && kv.Key[prefix.Length..] is not ("type" or "predicate" or "negate"))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);

    private static List<string> Aliases(IReadOnlyDictionary<string, string> config, string key)
    {
        var aliases = config.TryGetValue(key, out var raw)
            ? raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList()
            : [];
        var duplicate = aliases.GroupBy(a => a, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigException(key, raw, $"Duplicate alias provided: '{duplicate.Key}'.");
        }

        return aliases;
    }
}
