namespace ActorConnect.Connectors.File;

/// <summary>
/// Wakes a waiting poll as soon as the tailed file changes, through the OS's file notifications (inotify on Linux, by
/// way of <see cref="FileSystemWatcher"/>). Without it a line appended to an idle file waits for the next periodic
/// check (every 100 ms), which alone is most of a tailing pipeline's latency, and an idle file costs ten wake-ups a
/// second. The idle poll still ends every second: notifications can be lost (an overflowing event queue, network file
/// systems that send none), and a lost one then costs at most that second, never a line.
/// </summary>
internal sealed class FileChangeSignal : IDisposable
{
    private readonly FileSystemWatcher _watcher;
    private readonly AutoResetEvent _changed = new(false);

    private FileChangeSignal(string path)
    {
        var full = Path.GetFullPath(path);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(full)!, Path.GetFileName(full))
        {
            // Size and LastWrite: an append; FileName: the file replaced or re-created at the path (rotation).
            NotifyFilter = NotifyFilters.Size | NotifyFilters.LastWrite | NotifyFilters.FileName,
            IncludeSubdirectories = false,
        };
        _watcher.Changed += (_, _) => _changed.Set();
        _watcher.Created += (_, _) => _changed.Set();
        _watcher.Renamed += (_, _) => _changed.Set();
        _watcher.Deleted += (_, _) => _changed.Set();
        _watcher.Error += (_, _) => _changed.Set(); // events were lost: look now rather than at the next check
        _watcher.EnableRaisingEvents = true;
    }

    /// <summary>Set once after any change since the last wait that returned it (several changes wake one wait).</summary>
    public WaitHandle Changed => _changed;

    /// <summary>
    /// Watches the file at <paramref name="path"/>, or returns null with the reason in <paramref name="error"/> when
    /// the OS refuses (for example Linux's per-user limit on inotify instances, <c>fs.inotify.max_user_instances</c>).
    /// </summary>
    public static FileChangeSignal? TryCreate(string path, out string? error)
    {
        try
        {
            error = null;
            return new FileChangeSignal(path);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Stops watching. The wait handle itself is left to its finalizer: a poll on another thread may be about to wait
    /// on it (it then wakes through the stop token, which is always waited on beside it).
    /// </summary>
    public void Dispose() => _watcher.Dispose();
}
