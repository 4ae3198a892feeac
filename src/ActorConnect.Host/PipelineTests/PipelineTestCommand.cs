using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Logging;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Host.PipelineTests;

/// <summary>
/// <c>actorconnect test connector.properties cases.yaml</c>: runs the connector's converters, transforms and predicates
/// on the records of a cases file, as a task of that connector would (no broker, no connector task, nothing started),
/// and compares what comes out with what each case expects. Prints PASS or FAIL per case, a diff for each failure and
/// a summary. Exit code 0 when every case passes, 1 when some fail, 2 when a file cannot be used (named, with the fix).
/// </summary>
internal static class PipelineTestCommand
{
    public static int Run(FileInfo connectorFile, FileInfo casesFile, FileInfo? workerFile, string[] pluginPaths, TextWriter output)
    {
        IReadOnlyList<PipelineCase> cases;
        PipelineUnderTest pipeline;
        try
        {
            var worker = workerFile is null ? new Dictionary<string, string>() : WorkerPropertiesFile.Load(workerFile);
            var connector = ReadConnector(connectorFile, worker);
            var plugins = PluginRegistry.CreateDefault([.. WorkerPaths(worker), .. pluginPaths]);
            cases = PipelineCasesFile.Load(casesFile);
            try
            {
                pipeline = PipelineUnderTest.Create(connector, worker, plugins);
            }
            catch (ConfigException e)
            {
                throw new UsageException($"{connectorFile.Name}: {e.Message}" + Fix(e, workerFile));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(output, $"{e.Message} Check the path and that the file is readable.");
        }
        catch (Exception e) when (e is CasesFileException or UsageException or ConfigException or System.Text.Json.JsonException)
        {
            return Usage(output, e.Message);
        }

        using (pipeline)
        {
            var failed = 0;
            foreach (var @case in cases)
            {
                CaseOutcome outcome;
                try
                {
                    outcome = pipeline.Run(@case.Input);
                }
                catch (ConfigException e)
                {
                    return Usage(output, $"{casesFile.Name}, line {@case.Line}, case '{@case.Name}': {e.Message}.");
                }

                var diff = CaseVerdict.Diff(@case.Expect, outcome);
                output.WriteLine(LogText.Escape($"{(diff is null ? "PASS" : "FAIL")}  {@case.Name}"));
                if (diff is not null)
                {
                    failed++;
                    foreach (var line in diff)
                    {
                        // Records and case names are the user's data: a control character is shown escaped, never sent to the terminal.
                        output.WriteLine("      " + LogText.Escape(line));
                    }
                }
            }

            output.WriteLine();
            output.WriteLine(failed == 0
                ? $"{cases.Count} case(s) passed ({(pipeline.IsSource ? "source" : "sink")} connector {connectorFile.Name})."
                : $"{failed} of {cases.Count} case(s) failed ({(pipeline.IsSource ? "source" : "sink")} connector {connectorFile.Name}).");
            return failed == 0 ? 0 : 1;
        }
    }

    /// <summary>The connector file, its placeholders resolved by the worker's config providers as a task start resolves them.</summary>
    private static IReadOnlyDictionary<string, string> ReadConnector(FileInfo file, IReadOnlyDictionary<string, string> worker)
    {
        var config = ConnectorFile.Load(file);
        if (!config.Values.Any(ConfigProviders.HasPlaceholder))
        {
            return config;
        }

        using var providers = ConfigProviders.FromWorkerProperties(worker);
        return providers.Resolve(config);
    }

    private static IEnumerable<string> WorkerPaths(IReadOnlyDictionary<string, string> worker) =>
        worker.GetValueOrDefault(WorkerConfig.PluginPath)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    /// <summary>What to do about a config problem: a missing converter comes from the worker file in a real worker.</summary>
    private static string Fix(ConfigException e, FileInfo? workerFile) =>
        e.Message.Contains("converter", StringComparison.Ordinal) && e.Message.StartsWith("Missing required", StringComparison.Ordinal)
            ? workerFile is null
                ? " Name it in the connector file, or pass the worker file whose converters the connector uses: --worker worker.properties."
                : $" Name it in the connector file or in {workerFile.Name}."
            : " Fix the connector file (actorconnect validate checks it against the plugins) and run the test again.";

    private static int Usage(TextWriter output, string message)
    {
        output.WriteLine(LogText.Escape($"Cannot test: {message}"));
        return 2;
    }

    private sealed class UsageException(string message) : Exception(message);
}
