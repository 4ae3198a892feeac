using System.Reflection;
using System.Reflection.PortableExecutable;
using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;
using ActorConnect.Api.Transforms;
using ActorConnect.Converters;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Worker;

namespace ActorConnect.Runtime.Plugins;

/// <summary>What the registry knows of one connector plugin.</summary>
/// <param name="Type">The connector type.</param>
/// <param name="Aliases">Every name that resolves to it.</param>
/// <param name="IsSource">Source or sink.</param>
public sealed record ConnectorPlugin(Type Type, IReadOnlyList<string> Aliases, bool IsSource)
{
    /// <summary>The name shown by the REST API: Kafka Connect's class name when the plugin mirrors one.</summary>
    public string ClassName => Aliases.FirstOrDefault(PluginRegistry.IsKafkaName) ?? Type.FullName!;
}

/// <summary>
/// Finds connector, transformation and predicate plugins in the host's assemblies and in <c>plugin.path</c>, knows the
/// bundled converters, and resolves the names users write (full .NET name, simple name, name without "Connector" /
/// "Transformation" / "Predicate", and the Kafka Connect class names a plugin declares in a public static
/// <c>Aliases</c> property) so existing .properties files run unchanged.
/// </summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, ConnectorPlugin> _byName = new(StringComparer.Ordinal);
    private readonly List<ConnectorPlugin> _plugins = new();
    private readonly List<PluginDesc> _all = new();
    private readonly List<PluginLoadFailure> _failures = new();

    private PluginRegistry()
    {
        foreach (var (type, kafkaName) in ConverterNames.KafkaNames)
        {
            _all.Add(new PluginDesc(type, PluginKind.Converter, kafkaName, [kafkaName, type.Name, type.FullName!], () => AssemblyVersion(type),
                () => type.GetProperty("ConfigDef", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as ConfigDef ?? new ConfigDef()));
        }
    }

    /// <summary>Every plugin of every kind: connectors, converters, transformations and predicates.</summary>
    public IReadOnlyList<PluginDesc> AllPlugins => _all;

    /// <summary>Every plugin found, once each.</summary>
    public IReadOnlyList<ConnectorPlugin> Plugins => _plugins;

    /// <summary>
    /// What of <c>plugin.path</c> could not be used, with the reason: files that are no .NET assembly, assemblies or
    /// types whose dependencies are missing, plugin classes the runtime cannot create. The host's own assemblies are
    /// not reported: their types that are no plugin may well miss optional dependencies.
    /// </summary>
    public IReadOnlyList<PluginLoadFailure> LoadFailures => _failures;

    /// <summary>Scans the given assemblies and every folder of <paramref name="pluginPaths"/>.</summary>
    public static PluginRegistry Create(IEnumerable<Assembly> assemblies, IEnumerable<string> pluginPaths)
    {
        var registry = new PluginRegistry();
        foreach (var assembly in assemblies)
        {
            registry.Scan(assembly);
        }

        foreach (var path in pluginPaths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            if (!Directory.Exists(path))
            {
                throw new ConfigException("plugin.path", path, "the folder does not exist; list folders that hold connector assemblies, or remove the entry");
            }

            foreach (var folder in new[] { path }.Concat(Directory.GetDirectories(path)))
            {
                var dlls = Directory.GetFiles(folder, "*.dll");
                if (dlls.Length == 0)
                {
                    continue;
                }

                var context = new PluginLoadContext(Path.GetFullPath(folder));
                foreach (var dll in dlls.Select(Path.GetFullPath))
                {
                    try
                    {
                        // A plugin's build output carries its own copy of the SPI (ActorConnect.Api.dll): loading it
                        // would give the plugin another Connector type than the host's, and hide the plugin.
                        if (PluginLoadContext.IsShared(AssemblyName.GetAssemblyName(dll)))
                        {
                            continue;
                        }

                        registry.Scan(context.LoadFromAssemblyPath(dll), dll);
                    }
                    catch (BadImageFormatException e)
                    {
                        // Native libraries sit beside managed ones in plugin folders; they hold no connectors. Anything
                        // else that is no assembly (a truncated copy, a file renamed .dll) is a plugin that did not load.
                        if (!IsNativeLibrary(dll))
                        {
                            registry._failures.Add(new PluginLoadFailure(dll, null, $"not a .NET assembly ({e.Message}); replace it with the plugin's build output, or remove it"));
                        }
                    }
                    catch (FileLoadException e)
                    {
                        registry._failures.Add(new PluginLoadFailure(dll, null, e.Message));
                    }
                }
            }
        }

        return registry;
    }

    /// <summary>
    /// The default registry: the host's assemblies (the default load context: bundled connectors) plus plugin paths.
    /// Not every assembly of the process: plugins loaded by another registry (another worker) live there too.
    /// </summary>
    public static PluginRegistry CreateDefault(IEnumerable<string> pluginPaths, params Assembly[] extra) =>
        Create(System.Runtime.Loader.AssemblyLoadContext.Default.Assemblies.Concat(BundledConnectorAssemblies()).Concat(extra).Distinct(), pluginPaths);

    /// <summary>
    /// The connector families shipped with the host (ActorConnect.Connectors.*.dll beside it). They are not referenced
    /// by code, so .NET would not load them by itself.
    /// </summary>
    private static IEnumerable<Assembly> BundledConnectorAssemblies()
    {
        foreach (var dll in Directory.GetFiles(AppContext.BaseDirectory, "ActorConnect.Connectors.*.dll").Concat(Directory.GetFiles(AppContext.BaseDirectory, "ActorConnect.Transforms.dll")))
        {
            // A test assembly of a connector family sits beside the host in test outputs: it is no connector family.
            if (dll.EndsWith(".Tests.dll", StringComparison.Ordinal))
            {
                continue;
            }

            var name = AssemblyName.GetAssemblyName(dll);
            yield return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name.Name)
                ?? System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyName(name);
        }
    }

    /// <summary>
    /// Resolves a <c>connector.class</c> value at create time, or throws a <see cref="ConfigException"/> (a bad
    /// request, not a missing resource) with the same text as <see cref="UnknownConnector"/>.
    /// </summary>
    public ConnectorPlugin Resolve(string className) =>
        TryResolve(className) ?? throw new ConfigException("connector.class", className, UnknownConnector(className).Message);

    /// <summary>Resolves a <c>connector.class</c> value; null when nothing matches.</summary>
    public ConnectorPlugin? TryResolve(string className) => _byName.GetValueOrDefault(className.Trim());

    /// <summary>
    /// The error for a connector name that matches nothing: Kafka Connect's wording, the nearest known name when one is
    /// a plausible typo, and every available connector.
    /// </summary>
    public NotFoundException UnknownConnector(string className)
    {
        var connectors = _all.Where(p => p.Kind is PluginKind.Source or PluginKind.Sink).ToList();
        return new NotFoundException($"Failed to find any class that implements Connector and which name matches {className}."
            + Suggestion(className, connectors)
            + $" Available connectors: {string.Join(", ", connectors.Select(p => p.ClassName).Order(StringComparer.Ordinal))}."
            + " Check the spelling, or add the folder holding the plugin to plugin.path.");
    }

    /// <summary>Finds a plugin of one of <paramref name="kinds"/> (any kind when none given) by any of its names.</summary>
    public PluginDesc? Find(string name, params PluginKind[] kinds)
    {
        var trimmed = name.Trim();
        return _all.FirstOrDefault(p => (kinds.Length == 0 || kinds.Contains(p.Kind)) && p.Aliases.Contains(trimmed, StringComparer.Ordinal));
    }

    /// <summary>
    /// The plugins as <c>GET /connector-plugins</c> lists them, in Kafka Connect's order (sinks, sources, converters,
    /// header converters, transformations, predicates; each sorted by class name). Only connectors when
    /// <paramref name="connectorsOnly"/>.
    /// </summary>
    public IReadOnlyList<PluginInfo> ListPlugins(bool connectorsOnly) =>
        InListingOrder(connectorsOnly).Select(p => new PluginInfo(p.ClassName, p.KindName, p.Version())).ToList();

    /// <summary>The plugins in the order of <see cref="ListPlugins"/>, with everything the registry knows of each.</summary>
    public IReadOnlyList<PluginDesc> InListingOrder(bool connectorsOnly = false)
    {
        PluginKind[] order = connectorsOnly
            ? [PluginKind.Sink, PluginKind.Source]
            : [PluginKind.Sink, PluginKind.Source, PluginKind.Converter, PluginKind.HeaderConverter, PluginKind.Transformation, PluginKind.Predicate];
        return order.SelectMany(kind => _all.Where(p => p.Kind == kind).OrderBy(p => p.ClassName, StringComparer.Ordinal)).ToList();
    }

    /// <summary>
    /// The config keys of any plugin, by alias or full name (<c>GET /connector-plugins/{plugin}/config</c>): for
    /// connectors the runtime's common keys (sink or source) then the connector's own, a key of the connector
    /// replacing a common key of the same name, as Kafka Connect does. Throws <see cref="NotFoundException"/>.
    /// </summary>
    public IReadOnlyList<ConfigKeyInfo> PluginConfig(string plugin)
    {
        var desc = Find(plugin) ?? throw new NotFoundException($"Unknown plugin {plugin}." + Suggestion(plugin, _all));
        var keys = new List<ConfigKey>();
        if (desc.Kind is PluginKind.Source or PluginKind.Sink)
        {
            keys.AddRange(Config.ConnectorConfig.For(desc.Kind == PluginKind.Source).Keys);
        }

        foreach (var key in desc.Config().Keys)
        {
            var existing = keys.FindIndex(k => k.Name == key.Name);
            if (existing >= 0)
            {
                keys[existing] = key;
            }
            else
            {
                keys.Add(key);
            }
        }

        return keys.Select(ConfigInfoRenderer.Key).ToList();
    }

    private static string Suggestion(string name, IEnumerable<PluginDesc> candidates) =>
        PluginSuggestions.Nearest(name, candidates) is { } near
            ? $" Did you mean {PluginSuggestions.NearestAlias(name, near)} ({near.ClassName})?"
            : string.Empty;

    private static string? AssemblyVersion(Type type) =>
        type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? type.Assembly.GetName().Version?.ToString();

    /// <summary>Creates a connector instance.</summary>
    public Connector CreateConnector(string className) => (Connector)Activator.CreateInstance(Resolve(className).Type)!;

    /// <summary>Creates a converter from a class name, for keys or values, with its settings.</summary>
    public static IConverter CreateConverter(string className, IReadOnlyDictionary<string, string> settings, bool isKey)
    {
        var converter = ConverterNames.Create(className);
        converter.Configure(settings, isKey);
        return converter;
    }

    /// <summary>
    /// Adds the plugins of one assembly. <paramref name="pluginPathFile"/> is the file it came from when it came from
    /// <c>plugin.path</c>: only then is what fails to load reported.
    /// </summary>
    private void Scan(Assembly assembly, string? pluginPathFile = null)
    {
        if (!CanHoldPlugins(assembly))
        {
            return;
        }

        IEnumerable<Type> types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            // A type whose dependencies are not in the plugin's folder takes only itself out, as a class that fails to
            // load does in Kafka Connect's scan: the assembly's other plugins still load.
            types = e.Types.OfType<Type>();
            foreach (var reason in e.LoaderExceptions.OfType<Exception>().DistinctBy(l => l.Message))
            {
                Fail(pluginPathFile, (reason as TypeLoadException)?.TypeName, reason.Message);
            }
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException)
        {
            Fail(pluginPathFile, null, e.Message);
            return;
        }

        foreach (var type in types.Where(t => t is { IsVisible: true, IsAbstract: false, IsClass: true }))
        {
            PluginKind? kind;
            try
            {
                kind = KindOf(type);
                if (kind is not null && type.GetConstructor(Type.EmptyTypes) is null)
                {
                    Fail(pluginPathFile, type.FullName, "it has no public constructor without parameters, and the runtime creates plugins by name with one");
                    continue;
                }
            }
            catch (Exception e) when (e is TypeLoadException or FileNotFoundException or FileLoadException)
            {
                // Every exported type of every host assembly is looked at; one whose dependencies are missing is no plugin.
                Fail(pluginPathFile, type.FullName, e.Message);
                continue;
            }

            switch (kind)
            {
                case PluginKind.Source or PluginKind.Sink:
                    AddConnector(type);
                    break;
                case PluginKind.Transformation:
                    AddPlugin(type, PluginKind.Transformation, "Transformation");
                    break;
                case PluginKind.Predicate:
                    AddPlugin(type, PluginKind.Predicate, "Predicate");
                    break;
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="assembly"/> can define plugins: every plugin derives from a type of the SPI, so an assembly
    /// that does not reference it (the framework, ASP.NET Core, Akka, a plugin's own dependencies) defines none. Looking
    /// at the references first spares loading every type of those assemblies: about 200 ms of the host's start-up.
    /// </summary>
    private static bool CanHoldPlugins(Assembly assembly) =>
        assembly == SpiAssembly || (!assembly.IsDynamic && assembly.GetReferencedAssemblies().Any(r => r.Name == SpiAssemblyName));

    private static readonly Assembly SpiAssembly = typeof(Connector).Assembly;

    private static readonly string SpiAssemblyName = SpiAssembly.GetName().Name!;

    /// <summary>What a type is as a plugin; null when it is none.</summary>
    private static PluginKind? KindOf(Type type) =>
        typeof(SourceConnector).IsAssignableFrom(type) ? PluginKind.Source
        : typeof(Connector).IsAssignableFrom(type) ? PluginKind.Sink
        : Implements(type, typeof(ITransformation<>)) ? PluginKind.Transformation
        : Implements(type, typeof(IPredicate<>)) ? PluginKind.Predicate
        : null;

    private void Fail(string? pluginPathFile, string? typeName, string reason)
    {
        if (pluginPathFile is not null)
        {
            _failures.Add(new PluginLoadFailure(pluginPathFile, typeName, reason));
        }
    }

    /// <summary>A PE file without .NET metadata: a native library shipped beside a plugin's assemblies.</summary>
    private static bool IsNativeLibrary(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var reader = new PEReader(stream);
            return !reader.HasMetadata;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private void AddConnector(Type type)
    {
        if (_plugins.Any(p => p.Type == type))
        {
            return;
        }

        var plugin = new ConnectorPlugin(type, NamesOf(type, "Connector"), typeof(SourceConnector).IsAssignableFrom(type));
        _plugins.Add(plugin);
        foreach (var name in plugin.Aliases)
        {
            _byName.TryAdd(name, plugin);
        }

        _all.Add(new PluginDesc(type, plugin.IsSource ? PluginKind.Source : PluginKind.Sink, plugin.ClassName, plugin.Aliases,
            () => ConnectorVersion(type), () => ((Connector)Activator.CreateInstance(type)!).Config()));
    }

    private void AddPlugin(Type type, PluginKind kind, string suffix)
    {
        if (_all.Any(p => p.Type == type))
        {
            return;
        }

        var names = NamesOf(type, suffix);
        var className = names.FirstOrDefault(IsKafkaName) ?? type.FullName!;
        _all.Add(new PluginDesc(type, kind, className, names, () => AssemblyVersion(type), () => ConfigOf(type)));
    }

    // Transformations and predicates are disposable and may hold resources once configured; an unconfigured instance
    // made only to read its keys is disposed at once.
    private static ConfigDef ConfigOf(Type type)
    {
        var instance = Activator.CreateInstance(type)!;
        try
        {
            var config = type.GetMethod("Config", Type.EmptyTypes)?.Invoke(instance, null) as ConfigDef;
            return config ?? new ConfigDef();
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    private static string? ConnectorVersion(Type type)
    {
        try
        {
            return ((Connector)Activator.CreateInstance(type)!).Version;
        }
        catch (Exception)
        {
            // Third-party code: whatever its constructor or Version throws, the connector is still listed, without a
            // version, rather than failing the whole listing (Kafka shows "undefined").
            return null;
        }
    }

    private static IReadOnlyList<string> NamesOf(Type type, string suffix)
    {
        var names = new List<string> { type.FullName!, type.Name };
        if (type.Name.EndsWith(suffix, StringComparison.Ordinal) && type.Name.Length > suffix.Length)
        {
            names.Add(type.Name[..^suffix.Length]);
        }

        if (type.GetProperty("Aliases", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is IEnumerable<string> aliases)
        {
            names.AddRange(aliases);
        }

        return names.Distinct().ToArray();
    }

    /// <summary>A Java class name of the Kafka Connect ecosystem (Apache, Confluent, Debezium) that a plugin mirrors.</summary>
    internal static bool IsKafkaName(string name) =>
        name.StartsWith("org.apache", StringComparison.Ordinal) || name.StartsWith("io.confluent", StringComparison.Ordinal)
        || name.StartsWith("io.debezium", StringComparison.Ordinal);

    private static bool Implements(Type type, Type openInterface) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface);
}
