using System.Collections;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorConnect.Host;

/// <summary>
/// The worker process's runtime settings that .NET reads only from its environment, applied by the host itself, so
/// that <c>actorconnect standalone|distributed</c> gets them however it is started (the .NET tool, the single-file
/// binary, <c>dotnet actorconnect.dll</c>), as Kafka's launch scripts give the JVM its GC options.
/// <para>One setting: the GC's young generation at 32 MB (<c>DOTNET_GCgen0size=0x2000000</c>). .NET's default GC
/// (workstation, concurrent) caps it at about 6 MB, and a task holds more records than that between poll and
/// acknowledgement, so at full speed nearly every record is copied twice and dies in gen2: 253 collections instead of
/// 36 on a million lines, 20-30% more CPU, for 5 MB less peak memory (bench/results/perf-notes.md). The GC has no
/// runtimeconfig name for it, so on Linux the host, first thing, replaces itself (<c>execve</c>: the same process id,
/// name, arguments, open files and signal handling) with a copy of itself whose environment has it.</para>
/// <para>Nothing is done when <c>DOTNET_GCgen0size</c> is already set (to any value: an operator's choice wins),
/// when <c>ACTORCONNECT_GC_DEFAULTS=off</c>, outside Linux (set the variable yourself there), or for the commands
/// that do not run a worker. An application embedding a worker sets its own environment.</para>
/// </summary>
internal static partial class ProcessDefaults
{
    internal const string Gen0SizeVariable = "DOTNET_GCgen0size";
    internal const string Gen0Size = "0x2000000";
    internal const string OptOutVariable = "ACTORCONNECT_GC_DEFAULTS";

    /// <summary>Replaces the process with one that has the defaults, when it should; returns only when it does not.</summary>
    public static void Apply(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0 || args[0] is not ("standalone" or "distributed") || IsSetOrDeclined())
        {
            return;
        }

        string[] argv;
        try
        {
            // The exact argv the process was started with: for "dotnet actorconnect.dll ..." the muxer's own
            // arguments too, which Environment.GetCommandLineArgs() does not give.
            argv = Encoding.UTF8.GetString(File.ReadAllBytes("/proc/self/cmdline")).TrimEnd('\0').Split('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failed(e.Message);
            return;
        }

        var environment = new List<string?>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            environment.Add($"{variable.Key}={variable.Value}");
        }

        environment.Add($"{Gen0SizeVariable}={Gen0Size}");
        environment.Add(null);
        RemoveDiagnosticsPort();
        Execve(Executable(), [.. argv, null], [.. environment]);
        // execve returns only when it failed; the worker then runs on with .NET's defaults.
        Failed($"execve failed, errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// One line for the worker's log: the GC the process runs with, the young generation's largest budget as the GC
    /// itself reports it (<see cref="GC.GetConfigurationVariables"/>), and where that came from.
    /// </summary>
    public static string Describe()
    {
        var gc = $"{(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent")} GC";
        var budget = GC.GetConfigurationVariables().TryGetValue("GCGen0MaxBudget", out var value)
            ? $"{Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) / (1024.0 * 1024):0.#} MB"
            : "(not reported)";
        var setting = Environment.GetEnvironmentVariable(Gen0SizeVariable);
        var origin = setting is null
            ? $".NET's default; {OptOutVariable}=off or a platform other than Linux"
            : setting == Gen0Size && Environment.GetEnvironmentVariable(OptOutVariable) is null
                ? $"the host's default, {Gen0SizeVariable}={Gen0Size}; set {Gen0SizeVariable} or {OptOutVariable}=off to change it"
                : $"{Gen0SizeVariable}={setting} from the environment";
        return $"Runtime: .NET {Environment.Version}, {gc}, young generation {budget} ({origin})";
    }

    /// <summary>
    /// The running executable's own path, so the process keeps its name in ps, top and pkill (executing
    /// /proc/self/exe would rename it "exe"); that link itself when the file was replaced or removed since it started.
    /// </summary>
    private static string Executable()
    {
        const string self = "/proc/self/exe";
        try
        {
            return new FileInfo(self).LinkTarget is { } target && File.Exists(target) ? target : self;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return self;
        }
    }

    /// <summary>
    /// The runtime's diagnostics port (what dotnet-trace, dotnet-counters and dotnet-dump connect to) is a socket file
    /// named after the process id and start time, which the new image keeps. Its listener ends with this image, and the
    /// new runtime cannot bind a path that still exists: without this the worker could not be traced or dumped at all.
    /// </summary>
    private static void RemoveDiagnosticsPort()
    {
        try
        {
            foreach (var socket in Directory.EnumerateFiles(Path.GetTempPath(), $"dotnet-diagnostic-{Environment.ProcessId}-*-socket"))
            {
                File.Delete(socket);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"actorconnect: could not remove the runtime's diagnostics socket before restarting with {Gen0SizeVariable}={Gen0Size} ({e.Message}); " +
                "dotnet-trace and dotnet-counters may not be able to connect to this worker.");
        }
    }

    private static bool IsSetOrDeclined() =>
        Environment.GetEnvironmentVariable(Gen0SizeVariable) is not null
        || Environment.GetEnvironmentVariable("COMPlus_GCgen0size") is not null
        || string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "off", StringComparison.OrdinalIgnoreCase);

    private static void Failed(string reason) =>
        Console.Error.WriteLine($"actorconnect: could not restart itself with {Gen0SizeVariable}={Gen0Size} ({reason}); the worker runs with " +
            $".NET's default young generation. Set {Gen0SizeVariable}={Gen0Size} in its environment to have it, or {OptOutVariable}=off to skip this step.");

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, string?[] argv, string?[] envp);
}
