using System.Reflection;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;
using ActorConnect.Converters;

namespace ActorConnect.Runtime.Plugins;

/// <summary>What the registry knows of one connector plugin.</summary>
/// <param name="Type">The connector type.</param>
/// <param name="Aliases">Every name that resolves to it.</param>
/// <param name="IsSource">Source or sink.</param>
public sealed record ConnectorPlugin(Type Type, IReadOnlyList<string> Aliases, bool IsSource)
{
    /// <summary>The name shown by the REST API: Kafka Connect's class name when the plugin mirrors one.</summary>
    public string ClassName => Aliases.FirstOrDefault(a => a.StartsWith("org.apache", StringComparison.Ordinal) || a.StartsWith("io.confluent", StringComparison.Ordinal)) ?? Type.FullName!;
}

/// <summary>
/// Finds connector plugins in the host's assemblies and in <c>plugin.path</c>, and resolves the names users write
/// (full .NET name, simple name, name without "Connector", and the Kafka Connect class names a plugin declares in a
/// public static <c>Aliases</c> property) so existing .properties files run unchanged.
/// </summary>
public sealed class PluginRegistry
{
    private readonly Dictionary<string, ConnectorPlugin> _byName = new(StringComparer.Ordinal);
    private readonly List<ConnectorPlugin> _plugins = new();

    private PluginRegistry()
    {
    }

    /// <summary>Every plugin found, once each.</summary>
    public IReadOnlyList<ConnectorPlugin> Plugins => _plugins;

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
                foreach (var dll in dlls)
                {
                    try
                    {
                        // A plugin's build output carries its own copy of the SPI (ActorConnect.Api.dll): loading it
                        // would give the plugin another Connector type than the host's, and hide the plugin.
                        if (PluginLoadContext.IsShared(AssemblyName.GetAssemblyName(dll)))
                        {
                            continue;
                        }

                        registry.Scan(context.LoadFromAssemblyPath(Path.GetFullPath(dll)));
                    }
                    catch (BadImageFormatException)
                    {
                        // Native libraries sit beside managed ones in plugin folders; they hold no connectors.
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
        foreach (var dll in Directory.GetFiles(AppContext.BaseDirectory, "ActorConnect.Connectors.*.dll"))
        {
            var name = AssemblyName.GetAssemblyName(dll);
            yield return AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name.Name)
                ?? System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyName(name);
        }
    }

    /// <summary>Resolves a <c>connector.class</c> value, or throws an error that lists the known names.</summary>
    public ConnectorPlugin Resolve(string className)
    {
        if (_byName.TryGetValue(className.Trim(), out var plugin))
        {
            return plugin;
        }

        var known = string.Join(", ", _plugins.Select(p => p.ClassName).OrderBy(n => n, StringComparer.Ordinal));
        throw new ConfigException("connector.class", className,
            $"Failed to find any class that implements Connector and which name matches {className}. Available connectors are: [{known}]. " +
            "Check the spelling, or add the folder holding the plugin to plugin.path.");
    }

    /// <summary>Creates a connector instance.</summary>
    public Connector CreateConnector(string className) => (Connector)Activator.CreateInstance(Resolve(className).Type)!;

    /// <summary>Creates a converter from a class name, for keys or values, with its settings.</summary>
    public static IConverter CreateConverter(string className, IReadOnlyDictionary<string, string> settings, bool isKey)
    {
        var converter = ConverterNames.Create(className);
        converter.Configure(settings, isKey);
        return converter;
    }

    private void Scan(Assembly assembly)
    {
        Type[] types;
        try
        {
            types = assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or NotSupportedException)
        {
            return;
        }

        foreach (var type in types.Where(t => t is { IsAbstract: false, IsClass: true } && typeof(Connector).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            if (_plugins.Any(p => p.Type == type))
            {
                continue;
            }

            var names = new List<string> { type.FullName!, type.Name };
            if (type.Name.EndsWith("Connector", StringComparison.Ordinal))
            {
                names.Add(type.Name[..^"Connector".Length]);
            }

            if (type.GetProperty("Aliases", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is IEnumerable<string> aliases)
            {
                names.AddRange(aliases);
            }

            var plugin = new ConnectorPlugin(type, names.Distinct().ToArray(), typeof(SourceConnector).IsAssignableFrom(type));
            _plugins.Add(plugin);
            foreach (var name in plugin.Aliases)
            {
                _byName.TryAdd(name, plugin);
            }
        }
    }
}
