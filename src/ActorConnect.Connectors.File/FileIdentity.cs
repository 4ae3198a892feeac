using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Answers one question for a tailing source: is the file at the configured path still the file being read? It is
/// asked at most once a second, and only at the end of the data, and it checks three things: the path was renamed
/// away or deleted (Linux: /proc/self/fd), the file is shorter than what was read (truncated), or its first bytes
/// changed (replaced or rewritten). Kept apart from the reading so each can be read on its own.
/// </summary>
internal sealed class FileIdentity
{
    private const int HeadSize = 256;
    private const int CheckIntervalMs = 1000;

    private readonly string _path;
    private readonly byte[] _head = new byte[HeadSize];
    private SafeFileHandle _handle;
    private int _headLength;
    private string? _openedAs;
    private long _lastCheck;
    private bool _goneNoted;

    public FileIdentity(string path, SafeFileHandle handle)
    {
        _path = path;
        _handle = handle;
        Remember(handle);
    }

    /// <summary>Starts watching a newly opened file.</summary>
    public void Remember(SafeFileHandle handle)
    {
        _handle = handle;
        _openedAs = OpenedAs(handle);
        _headLength = RandomAccess.Read(handle, _head, 0);
        _goneNoted = false;
        _lastCheck = Environment.TickCount64;
    }

    /// <summary>
    /// When a check is due: why the path should be opened again from 0, or null to keep reading. A path that is gone
    /// is reported once through <paramref name="warn"/>; the open file is finished meanwhile.
    /// </summary>
    public string? CheckIfDue(long readPosition, long position, Action<string> warn)
    {
        var now = Environment.TickCount64;
        if (now - _lastCheck < CheckIntervalMs)
        {
            return null;
        }

        _lastCheck = now;
        var info = new FileInfo(_path);
        if (!info.Exists)
        {
            if (!_goneNoted)
            {
                _goneNoted = true;
                warn($"File {_path} was deleted or moved away; finishing the file already open (position {position}) and waiting for {_path} to be created again");
            }

            return null;
        }

        _goneNoted = false;
        if (_openedAs is not null && OpenedAs(_handle) is { } current && current != _openedAs)
        {
            return $"File {_path} was rotated: the path now names another file than the one read so far (which is now {current})";
        }

        if (info.Length < readPosition)
        {
            return $"File {_path} was truncated: its length {info.Length} is less than the {readPosition} bytes already read";
        }

        return HeadMatches() ? null : $"File {_path} was replaced or rewritten: its first bytes changed";
    }

    /// <summary>Compares the first bytes of the file at the path with those of the file being read (then extends the latter while short).</summary>
    private bool HeadMatches()
    {
        Span<byte> current = stackalloc byte[HeadSize];
        try
        {
            using var other = System.IO.File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = RandomAccess.Read(other, current[.._headLength], 0);
            if (read < _headLength || !current[..read].SequenceEqual(_head.AsSpan(0, _headLength)))
            {
                return false;
            }

            if (_headLength < HeadSize)
            {
                _headLength = RandomAccess.Read(_handle, _head, 0);
            }

            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>On Linux, what the open file is called now (/proc/self/fd); "… (deleted)" once removed. Null elsewhere.</summary>
    private static string? OpenedAs(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return new FileInfo("/proc/self/fd/" + handle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
