using System.Runtime.Loader;
using ActorConnect.Api.Config;

namespace ActorConnect.Runtime.Plugins;

/// <summary>The kinds of plugin <c>GET /connector-plugins</c> lists, with Kafka Connect's lower-case names.</summary>
public enum PluginKind
{
    Source,
    Sink,
    Converter,
    HeaderConverter,
    Transformation,
    Predicate,
}

/// <summary>One plugin of any kind: how users name it, what it is, and how to read its config keys.</summary>
/// <param name="Type">The .NET type.</param>
/// <param name="Kind">What it is.</param>
/// <param name="ClassName">The name shown by the REST API: Kafka's class name when the plugin mirrors one.</param>
/// <param name="Aliases">Every name that resolves to it, <paramref name="ClassName"/> included.</param>
/// <param name="Version">Reads its version (null when it declares none); connectors are created to ask, so only when listed.</param>
/// <param name="Config">Its own config keys (a new instance each call); the runtime's common keys are not included.</param>
public sealed record PluginDesc(Type Type, PluginKind Kind, string ClassName, IReadOnlyList<string> Aliases, Func<string?> Version, Func<ConfigDef> Config)
{
    /// <summary>The kind as the REST API writes it: source, sink, converter, header_converter, transformation, predicate.</summary>
    public string KindName => Kind switch
    {
        PluginKind.HeaderConverter => "header_converter",
        _ => Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The assembly file it was loaded from when that came from <c>plugin.path</c>; null when it is built into the host.</summary>
    public string? PluginPathFile => AssemblyLoadContext.GetLoadContext(Type.Assembly) is PluginLoadContext ? Type.Assembly.Location : null;
}

/// <summary>Something in <c>plugin.path</c> that could not be loaded, as Kafka Connect's plugin listing reports it.</summary>
/// <param name="File">The assembly file.</param>
/// <param name="TypeName">The type at fault, when one type of an otherwise loadable assembly is.</param>
/// <param name="Reason">Why, and where known what to do about it.</param>
public sealed record PluginLoadFailure(string File, string? TypeName, string Reason);
