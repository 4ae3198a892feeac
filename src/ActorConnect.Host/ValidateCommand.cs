using ActorConnect.Api.Errors;
using ActorConnect.Cluster.Config;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Logging;
using ActorConnect.Runtime.Plugins;
using ActorConnect.Runtime.Validation;

namespace ActorConnect.Host;

/// <summary>
/// <c>actorconnect validate worker.properties [connector files...]</c>: checks the files offline (no broker, nothing
/// started) and prints every problem on the key at fault. The worker file gets the checks a start would make; each
/// connector file gets <see cref="ConnectorConfigValidator"/>, the checks and messages of
/// <c>PUT /connector-plugins/{plugin}/config/validate</c>, with that worker's plugins, config providers and client
/// override policy. Keys nothing reads are warned about (<see cref="UnknownKeys"/>) but leave a file valid, as they
/// leave a connector running. Exit code 0 when every file is valid, 1 otherwise, so a CI pipeline can gate a deployment on it.
/// </summary>
internal static class ValidateCommand
{
    public static int Run(FileInfo workerFile, FileInfo[] connectorFiles, FileInfo? hoconFile, TextWriter output)
    {
        var (workerReport, worker) = CheckWorker(workerFile);
        workerReport.WriteTo(output);
        var valid = workerReport.IsValid;
        if (hoconFile is not null)
        {
            var hoconReport = CheckHocon(hoconFile, worker?.Distributed);
            hoconReport.WriteTo(output);
            valid &= hoconReport.IsValid;
        }

        if (worker is null)
        {
            if (connectorFiles.Length > 0)
            {
                output.WriteLine($"{connectorFiles.Length} connector file(s) not checked: their plugins and config providers come from the worker file; fix it first.");
            }

            return 1;
        }

        using (worker.Providers)
        {
            foreach (var file in connectorFiles)
            {
                var report = CheckConnector(file, worker);
                report.WriteTo(output);
                valid &= report.IsValid;
            }
        }

        output.WriteLine(valid ? "All files are valid." : "Invalid: fix the errors above and run validate again.");
        return valid ? 0 : 1;
    }

    /// <summary>What connector files are validated with: the worker's plugins, config providers and override policy.</summary>
    private sealed record WorkerContext(PluginRegistry Plugins, ConfigProviders Providers, ClientConfigOverridePolicy Policy, DistributedConfig? Distributed);

    /// <summary>
    /// The worker file as a start would read it (CONNECT_* variables and config provider placeholders included):
    /// each key's own checks, then, when those pass, what spans keys (the mode's required keys, REST listeners and
    /// their stores, plugin.path, config providers). Distributed when it names a <c>group.id</c>, as Kafka's is.
    /// </summary>
    private static (FileReport Report, WorkerContext? Context) CheckWorker(FileInfo file)
    {
        IReadOnlyDictionary<string, string> props;
        try
        {
            props = WorkerPropertiesFile.Load(file);
        }
        catch (Exception e) when (e is ConfigException or IOException)
        {
            return (FileReport.Unreadable(file, "worker", e.Message), null);
        }

        var distributed = props.ContainsKey(DistributedConfig.GroupId);
        var report = new FileReport(file, distributed ? "distributed worker" : "standalone worker");
        var perKey = WorkerConfig.Definition.Validate(props).Concat(distributed ? DistributedConfig.Definition.Validate(props) : []);
        foreach (var value in perKey)
        {
            report.Errors(value.Name, value.Errors);
        }

        if (!report.IsValid)
        {
            return (report, null);
        }

        try
        {
            var distributedConfig = distributed ? DistributedConfig.Parse(props) : null;
            var worker = distributedConfig?.Worker ?? WorkerConfig.ParseStandalone(props);
            HostRun.ReadRestOptions(props);
            var plugins = PluginRegistry.CreateDefault(worker.PluginPaths);
            var providers = ConfigProviders.FromWorkerProperties(props, report.Warning);
            foreach (var unknown in UnknownKeys.InWorker(props, plugins, HostRun.WorkerKeysBeyondRuntime))
            {
                report.Warning(unknown.Message);
            }

            return (report, new WorkerContext(plugins, providers, worker.ClientConfigOverridePolicy, distributedConfig));
        }
        catch (ConfigException e)
        {
            report.Errors(e.Name, [e.Message]);
            return (report, null);
        }
    }

    /// <summary>
    /// The <c>--hocon</c> file as a start reads it: its syntax, then the runtime's settings and the REST waits, and a
    /// distributed node's cluster settings (when the worker file is valid and distributed), each of which names its key.
    /// </summary>
    private static FileReport CheckHocon(FileInfo file, DistributedConfig? distributed)
    {
        var report = new FileReport(file, "HOCON settings");
        try
        {
            var hocon = HostRun.LoadHocon(file);
            RuntimeSettings.Create(hocon.WithFallback(RuntimeSettings.DefaultConfig()));
            Rest.Hosting.RestTimeouts.Create(hocon);
            if (distributed is not null)
            {
                ClusterSettings.Create(ClusterSettings.NodeConfig(distributed, hocon));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FileReport.Unreadable(file, "HOCON settings", e.Message);
        }
        catch (Exception e) when (e is ConfigException or Akka.Configuration.ConfigurationException or FormatException)
        {
            report.Errors((e as ConfigException)?.Name, [e.Message]);
        }

        return report;
    }

    /// <summary>A connector file, validated as the validate endpoint does for the plugin its <c>connector.class</c> names.</summary>
    private static FileReport CheckConnector(FileInfo file, WorkerContext worker)
    {
        IReadOnlyDictionary<string, string> config;
        try
        {
            config = ConnectorFile.Load(file);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return FileReport.Unreadable(file, "connector", e.Message);
        }

        var name = config.GetValueOrDefault(ConnectorConfig.Name);
        if (!config.TryGetValue(ConnectorConfig.ConnectorClass, out var plugin) || string.IsNullOrWhiteSpace(plugin))
        {
            var missing = new FileReport(file, Connector(name, null));
            missing.Errors(ConnectorConfig.ConnectorClass, [$"Missing required configuration \"{ConnectorConfig.ConnectorClass}\" which has no default value."]);
            return missing;
        }

        try
        {
            var infos = new ConnectorConfigValidator(worker.Plugins, worker.Policy).Validate(plugin, config, worker.Providers);
            var report = new FileReport(file, Connector(name, infos.Name));
            foreach (var info in infos.Configs)
            {
                report.Errors(info.Value.Name, info.Value.Errors);
            }

            foreach (var unknown in infos.UnknownKeys)
            {
                report.Warning(unknown.Message);
            }

            return report;
        }
        catch (ConnectException e)
        {
            // An unknown connector.class (with the nearest known one), or a placeholder no provider resolves.
            var report = new FileReport(file, Connector(name, null));
            report.Errors(e is NotFoundException ? ConnectorConfig.ConnectorClass : (e as ConfigException)?.Name, [e.Message]);
            return report;
        }
    }

    private static string Connector(string? name, string? className) =>
        string.Join(", ", new[] { name is null ? "connector" : $"connector {name}", className }.OfType<string>());

    /// <summary>What one file's check found, written per key: errors first, in the order the checks list the keys.</summary>
    private sealed class FileReport(FileInfo file, string what)
    {
        private readonly List<(string? Key, string Message)> _errors = [];
        private readonly List<string> _warnings = [];

        public bool IsValid => _errors.Count == 0;

        public static FileReport Unreadable(FileInfo file, string what, string message)
        {
            var report = new FileReport(file, what);
            report.Errors(null, [message]);
            return report;
        }

        public void Errors(string? key, IEnumerable<string> messages) => _errors.AddRange(messages.Select(m => (key, m)));

        public void Warning(string message) => _warnings.Add(message);

        public void WriteTo(TextWriter output)
        {
            var verdict = (IsValid ? "valid" : $"{_errors.Count} error(s)") + (_warnings.Count > 0 ? $", {_warnings.Count} warning(s)" : string.Empty);
            output.WriteLine(LogText.Escape($"{file.Name} ({what}): {verdict}"));
            foreach (var (key, message) in _errors)
            {
                // Keys and messages quote the user's files: a control character in them must not reach the terminal raw.
                output.WriteLine(LogText.Escape(key is null ? $"  ERROR {message}" : $"  ERROR {key}: {message}"));
            }

            foreach (var message in _warnings)
            {
                output.WriteLine(LogText.Escape($"  WARN  {message}"));
            }
        }
    }
}
