using System.Diagnostics;

namespace ActorConnect.TestSupport;

/// <summary>Runs <c>scripts/kafka-local.sh</c> with a broker's environment (ports, TLS material) and returns its output.</summary>
public static class KafkaLocalScript
{
    // Generous: `install` may download the distribution, and `start` may wait for another process's start under the lock.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>Runs the script; throws with its output when it fails or takes longer than 15 minutes.</summary>
    public static async Task<(string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.RepoRoot,
        };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.RepoRoot, "scripts", "kafka-local.sh"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kafka-local.sh {string.Join(' ', args)} did not finish within {Timeout}");
        }

        var (o, e) = (await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        return process.ExitCode == 0
            ? (o, e)
            : throw new InvalidOperationException($"kafka-local.sh {string.Join(' ', args)} exited with {process.ExitCode}:\n{o}\n{e}");
    }

    /// <summary>The ports of a broker on non-default ports, as the script reads them.</summary>
    public static Dictionary<string, string> Ports(int port, int zkPort) => new()
    {
        ["KAFKA_LOCAL_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ZK_LOCAL_PORT"] = zkPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
