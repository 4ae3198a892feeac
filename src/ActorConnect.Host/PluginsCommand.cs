using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Logging;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Host;

/// <summary>
/// <c>actorconnect plugins [--plugin-path dir ...] [worker.properties]</c>: what a worker with that plugin path would
/// find, as Kafka Connect's <c>connect-plugin-path list</c> shows it: every plugin with its version, the names a config
/// may use for it and where it was loaded from, then what in the plugin path could not be loaded and why. It reads the
/// runtime's own <see cref="PluginRegistry"/>, so it shows exactly what a start would see. Exit code 0 when everything
/// loaded, 1 when something did not (or the plugin path or worker file is wrong), so a deployment can check a plugin folder.
/// </summary>
internal static class PluginsCommand
{
    public static int Run(FileInfo? workerFile, string[] pluginPaths, TextWriter output)
    {
        PluginRegistry registry;
        IReadOnlyList<string> paths;
        try
        {
            // Only plugin.path matters here: a worker file still missing its converters or broker can be listed.
            var fromWorker = workerFile is null ? null
                : ConfigDef.ParseValue(WorkerConfig.PluginPath, ConfigType.List, WorkerPropertiesFile.Load(workerFile).GetValueOrDefault(WorkerConfig.PluginPath)) as IReadOnlyList<string>;
            paths = [.. fromWorker ?? [], .. pluginPaths];
            registry = PluginRegistry.CreateDefault(paths);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            output.WriteLine(LogText.Escape(e is ConfigException { Name: { } key } ? $"ERROR {key}: {e.Message}" : $"ERROR {e.Message}"));
            return 1;
        }

        output.WriteLine(paths.Count == 0
            ? "Plugins built into actorconnect (no plugin.path: add folders with --plugin-path or a worker file's plugin.path):"
            : $"Plugins built into actorconnect and found in plugin.path {string.Join(", ", paths)}:");
        var rows = registry.InListingOrder().Select(p => new[]
        {
            p.KindName,
            p.ClassName,
            p.Version() ?? "undefined",
            string.Join(", ", p.Aliases.Where(a => a != p.ClassName)),
            p.PluginPathFile ?? $"built in ({p.Type.Assembly.GetName().Name}.dll)",
        }).ToList();
        WriteTable(output, ["TYPE", "CLASS", "VERSION", "ALIASES", "LOADED FROM"], rows);

        var failures = registry.LoadFailures;
        var fromPath = registry.AllPlugins.Count(p => p.PluginPathFile is not null);
        output.WriteLine();
        output.WriteLine($"{rows.Count} plugin(s), {fromPath} from plugin.path; {failures.Count} could not be loaded.");
        foreach (var failure in failures)
        {
            output.WriteLine(LogText.Escape(failure.TypeName is null ? $"  NOT LOADED {failure.File}: {failure.Reason}" : $"  NOT LOADED {failure.File}, {failure.TypeName}: {failure.Reason}"));
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static void WriteTable(TextWriter output, string[] header, IReadOnlyList<string[]> rows)
    {
        // A plugin's path or name may hold a control character: escaped before the widths are measured.
        rows = rows.Select(r => r.Select(LogText.Escape).ToArray()).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
        {
            output.WriteLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))));
        }
    }
}
