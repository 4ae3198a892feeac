using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorConnect.TestSupport;

/// <summary>
/// Runs a real child process for tests that exercise crash/restart behaviour: its output is captured line by line so
/// a test can wait for a log line instead of sleeping, and it can be ended either like a crash (SIGKILL) or like an
/// operator's stop (SIGTERM).
/// </summary>
public sealed class ProcessRunner : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Predicate, TaskCompletionSource<string> Tcs)> _waiters = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _outputClosed;

    private ProcessRunner(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Used as the prefix of echoed lines, so interleaved output of several processes stays readable.</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Echoes every captured line to this sink (e.g. an xunit ITestOutputHelper's WriteLine); it must be thread safe.
    /// </summary>
    public Action<string>? Echo { get; set; }

    /// <summary>Snapshot of the stdout and stderr lines seen so far, in arrival order, unmodified.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Starts the process with redirected pipes; it inherits this process's environment unless overridden.</summary>
    /// <param name="fileName">Executable, e.g. "dotnet" or a script interpreter.</param>
    /// <param name="arguments">Passed one by one, so no shell quoting is involved.</param>
    /// <param name="environment">Variables to set; a null value removes the variable from the inherited environment.</param>
    /// <param name="workingDirectory">Defaults to the test's current directory.</param>
    /// <param name="name">Label in echoed lines and error messages; defaults to the executable's name.</param>
    /// <param name="echo">See <see cref="Echo"/>.</param>
    public static ProcessRunner Start(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        string? name = null,
        Action<string>? echo = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in arguments)
        {
            psi.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    psi.Environment.Remove(key);
                }
                else
                {
                    psi.Environment[key] = value;
                }
            }
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var runner = new ProcessRunner(process, name ?? Path.GetFileNameWithoutExtension(fileName)) { Echo = echo };
        process.OutputDataReceived += (_, e) => runner.OnLine(e.Data, isError: false);
        process.ErrorDataReceived += (_, e) => runner.OnLine(e.Data, isError: true);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>Completes with the first line (already seen or future) that matches; throws with the output so far on timeout.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (predicate, tcs);
        lock (_gate)
        {
            foreach (var line in _lines)
            {
                if (predicate(line))
                {
                    return line;
                }
            }

            if (_outputClosed)
            {
                throw new InvalidOperationException($"{Name} exited without printing a matching line. Last output:\n{TailUnlocked(40)}");
            }

            _waiters.Add(entry);
        }

        try
        {
            return await tcs.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{Name} (pid {_process.Id}, exited: {_process.HasExited}) printed no matching line within {timeout}. Last output:\n{Tail(40)}");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(entry);
            }
        }
    }

    public Task<string> WaitForOutputAsync(string contains, TimeSpan timeout) =>
        WaitForOutputAsync(l => l.Contains(contains, StringComparison.Ordinal), timeout);

    /// <summary>Waits for exit and for the output pipes to drain, so <see cref="Lines"/> is complete afterwards.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await Task.WhenAll(_stdoutDone.Task, _stderrDone.Task).WaitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} (pid {_process.Id}) did not exit within {timeout}. Last output:\n{Tail(40)}");
        }

        return _process.ExitCode;
    }

    /// <summary>Simulates a crash: SIGKILL to the process and its children, no chance to clean up.</summary>
    public void KillHard()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }
    }

    /// <summary>Freezes the process (SIGSTOP), as a long GC pause or a frozen VM would: its sockets stay open, it answers nothing.</summary>
    public void Freeze() => SendSignal(OperatingSystem.IsMacOS() ? 17 : 19);

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public void Thaw() => SendSignal(OperatingSystem.IsMacOS() ? 19 : 18);

    /// <summary>
    /// Simulates an operator's stop: SIGTERM, then waits for exit. Falls back to <see cref="KillHard"/> after the
    /// timeout so a hung child never outlives the test; returns the exit code (137 after the fallback).
    /// </summary>
    public async Task<int> StopGracefullyAsync(TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(30);
        if (!_process.HasExited)
        {
            SendSignal(SigTerm);
        }

        try
        {
            return await WaitForExitAsync(wait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            KillHard();
            await _process.WaitForExitAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc cref="StopGracefullyAsync"/>
    public int StopGracefully(TimeSpan? timeout = null) => StopGracefullyAsync(timeout).GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        KillHard();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
    }

    private string Tail(int count)
    {
        lock (_gate)
        {
            return TailUnlocked(count);
        }
    }

    private string TailUnlocked(int count) => string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - count)));

    private void SendSignal(int signal)
    {
        // The runtime has no API for SIGTERM; libc's kill(2) avoids depending on a /bin/kill binary.
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            throw new PlatformNotSupportedException("Signals need a POSIX system");
        }

        if (NativeMethods.kill(_process.Id, signal) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            const int esrch = 3; // already gone
            if (errno != esrch)
            {
                throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {errno}");
            }
        }
    }

    private void OnLine(string? data, bool isError)
    {
        if (data is null)
        {
            (isError ? _stderrDone : _stdoutDone).TrySetResult();
            OnStreamClosed();
            return;
        }

        var line = data;
        List<TaskCompletionSource<string>>? matched = null;
        lock (_gate)
        {
            _lines.Add(line);
            foreach (var (predicate, tcs) in _waiters)
            {
                if (predicate(line))
                {
                    (matched ??= []).Add(tcs);
                }
            }
        }

        // Completed outside the lock: continuations run asynchronously anyway, but a throwing echo must not break capture.
        matched?.ForEach(t => t.TrySetResult(line));
        try
        {
            Echo?.Invoke(isError ? $"[{Name}!] {line}" : $"[{Name}] {line}");
        }
        catch (InvalidOperationException)
        {
            // xunit's output helper throws once the test has finished; late lines are still in Lines.
        }
    }

    /// <summary>Once both pipes are closed no line can match any more: fail the waiters now instead of at their timeout.</summary>
    private void OnStreamClosed()
    {
        if (!_stdoutDone.Task.IsCompleted || !_stderrDone.Task.IsCompleted)
        {
            return;
        }

        List<TaskCompletionSource<string>> pending;
        string tail;
        lock (_gate)
        {
            _outputClosed = true;
            pending = _waiters.Select(w => w.Tcs).ToList();
            tail = TailUnlocked(40);
        }

        foreach (var tcs in pending)
        {
            tcs.TrySetException(new InvalidOperationException($"{Name} exited without printing a matching line. Last output:\n{tail}"));
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need AllowUnsafeBlocks for no gain here.
        internal static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
