using System.Reflection;

namespace ActorConnect.Connectors.File;

/// <summary>The version every file connector and task reports: this assembly's informational version.</summary>
internal static class FileConnectorVersion
{
    public static readonly string Value =
        typeof(FileConnectorVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(FileConnectorVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
