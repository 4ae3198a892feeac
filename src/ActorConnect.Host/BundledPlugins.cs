using System.Reflection;

namespace ActorConnect.Host;

/// <summary>
/// The connector families and transformations that ship inside the host. The plugin registry finds them as
/// ActorConnect.Connectors.*.dll files beside the host; a single-file binary has no such files (they are inside the
/// bundle), so the host loads them by reference at start, and the registry, which looks at the assemblies already in
/// the default load context first, finds them there in both forms.
/// </summary>
internal static class BundledPlugins
{
    public static IReadOnlyList<Assembly> Load() =>
    [
        typeof(Connectors.File.FileStreamSourceConnector).Assembly,
        typeof(Connectors.Jdbc.JdbcSourceConnector).Assembly,
        typeof(Connectors.Postgres.PostgresConnector).Assembly,
        typeof(Transforms.RegexRouter).Assembly,
    ];
}
