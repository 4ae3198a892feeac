using System.Collections;
using System.Text;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;

namespace ActorConnect.Host;

/// <summary>
/// Reads the worker properties file and lays <c>CONNECT_*</c> environment variables over it, the convention of the
/// Kafka Connect container images: <c>CONNECT_BOOTSTRAP_SERVERS</c> sets <c>bootstrap.servers</c>; in the name, "_" is
/// ".", "__" is "_" and "___" is "-". One image and one file then serve every node of a cluster.
/// </summary>
internal static class WorkerPropertiesFile
{
    private const string Prefix = "CONNECT_";

    public static IReadOnlyDictionary<string, string> Load(FileInfo file) => Resolve(Overlay(JavaProperties.Load(file.FullName), Environment.GetEnvironmentVariables()));

    /// <summary>
    /// Resolves config provider placeholders (<c>${file:/etc/kafka/secrets:truststore.password}</c>) in the worker's own
    /// keys with the providers the file declares, as Kafka Connect's worker does, so every worker key (Kafka client
    /// stores, REST keystores, cluster TLS) may hold one. A placeholder that cannot be resolved stops the start, named.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> Resolve(IReadOnlyDictionary<string, string> properties)
    {
        if (!properties.Values.Any(ConfigProviders.HasPlaceholder))
        {
            return properties;
        }

        using var providers = ConfigProviders.FromWorkerProperties(properties);
        return providers.Resolve(properties);
    }

    internal static IReadOnlyDictionary<string, string> Overlay(IReadOnlyDictionary<string, string> properties, IDictionary environment)
    {
        var result = new Dictionary<string, string>(properties, StringComparer.Ordinal);
        foreach (DictionaryEntry variable in environment)
        {
            if (variable.Key is string name && name.StartsWith(Prefix, StringComparison.Ordinal) && name.Length > Prefix.Length && variable.Value is string value)
            {
                result[KeyOf(name[Prefix.Length..])] = value;
            }
        }

        return result;
    }

    /// <summary>BOOTSTRAP_SERVERS to bootstrap.servers; "___" to "-", "__" to "_", "_" to ".".</summary>
    internal static string KeyOf(string variable)
    {
        var key = new StringBuilder(variable.Length);
        for (var i = 0; i < variable.Length; i++)
        {
            if (variable[i] != '_')
            {
                key.Append(char.ToLowerInvariant(variable[i]));
                continue;
            }

            var run = 1;
            while (i + run < variable.Length && variable[i + run] == '_' && run < 3)
            {
                run++;
            }

            key.Append(run switch { 1 => '.', 2 => '_', _ => '-' });
            i += run - 1;
        }

        return key.ToString();
    }
}
