using System.Diagnostics;

namespace ActorConnect.Bench;

/// <summary>This process's own figures, measured the same way run.sh measures the workers.</summary>
internal static class ProcessStats
{
    /// <summary>When the OS started this process: the raw clients are timed from here, as the workers are from their launch.</summary>
    public static DateTime StartUtc { get; } = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static double SecondsSinceStart => (DateTime.UtcNow - StartUtc).TotalSeconds;

    /// <summary>Peak resident set size (VmHWM) in kB, or 0 where /proc is missing.</summary>
    public static long PeakRssKb()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]);
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }

    public static double CpuSeconds => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    public static string F(double d) => d.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Unix time given as seconds with a fraction (date +%s.%N).</summary>
    public static DateTime ParseUnix(string s) =>
        DateTime.UnixEpoch.AddTicks((long)(double.Parse(s, System.Globalization.CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));

    /// <summary>A measured process's user + system CPU seconds so far (NaN without --pid or once it is gone).</summary>
    public static double CpuOf(int? pid)
    {
        if (pid is not { } p)
        {
            return double.NaN;
        }

        try
        {
            using var process = Process.GetProcessById(p);
            return process.TotalProcessorTime.TotalSeconds;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }
    }
}
