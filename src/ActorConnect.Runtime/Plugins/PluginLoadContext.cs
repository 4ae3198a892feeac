using System.Reflection;
using System.Runtime.Loader;

namespace ActorConnect.Runtime.Plugins;

/// <summary>
/// Loads one plugin folder in isolation, so two plugins may ship different versions of the same library.
/// Assemblies the host already has (the SPI above all) come from the host, or the plugin's types would not be
/// the host's <c>Connector</c> and could not be used.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly string _folder;

    public PluginLoadContext(string folder)
        : base($"plugin:{folder}", isCollectible: false) => _folder = folder;

    /// <summary>True when the host has this assembly: a plugin must use the host's copy, never its own.</summary>
    public static bool IsShared(AssemblyName assemblyName) => Default.Assemblies.Any(a => a.GetName().Name == assemblyName.Name);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (IsShared(assemblyName))
        {
            return null;
        }

        var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }
}
