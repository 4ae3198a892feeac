using System.Reflection;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>The version every JDBC connector and task reports: this assembly's informational version.</summary>
internal static class JdbcConnectorVersion
{
    public static readonly string Value =
        typeof(JdbcConnectorVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(JdbcConnectorVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
