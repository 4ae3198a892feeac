using System.Text.Json;
using ActorConnect.Runtime.Config;

namespace ActorConnect.Host;

/// <summary>Reads a connector file: Java .properties, or JSON as Kafka Connect 3.x standalone also accepts (flat, or {"name","config"}).</summary>
internal static class ConnectorFile
{
    public static IReadOnlyDictionary<string, string> Load(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new FileNotFoundException($"Connector file {file.FullName} does not exist. Check the path given on the command line.", file.FullName);
        }

        if (!file.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
        {
            return JavaProperties.Load(file.FullName);
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
        var root = doc.RootElement;
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("config", out var config) && config.ValueKind == JsonValueKind.Object)
        {
            Copy(config, result);
            if (root.TryGetProperty("name", out var name))
            {
                result["name"] = name.GetString() ?? string.Empty;
            }
        }
        else
        {
            Copy(root, result);
        }

        return result;
    }

    private static void Copy(JsonElement obj, Dictionary<string, string> into)
    {
        foreach (var p in obj.EnumerateObject())
        {
            into[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
    }
}
