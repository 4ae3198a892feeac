using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using Microsoft.Win32.SafeHandles;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Tails one file (or reads standard input) and returns one record per line, as Kafka Connect's
/// <c>FileStreamSourceTask</c>: value = the line (without "\n" or "\r\n") with <see cref="Schema.StringSchema"/>,
/// no key, source partition <c>{"filename": file}</c>, source offset <c>{"position": byte position after the line}</c>
/// (a <see cref="long"/>).
/// <para>Reading: the file is streamed through one reusable buffer, so the cost is linear in the file size. A last
/// line without '\n' is held back until it is completed. <see cref="Poll"/> returns at most <c>batch.size</c> lines;
/// when there is nothing new it waits up to about a second and returns null, woken by the OS's notification of a change
/// to the file (<see cref="FileChangeSignal"/>; a file that cannot be watched is checked every 100 ms instead);
/// <see cref="Stop"/> makes a waiting Poll return at once.</para>
/// <para>Differences from Kafka's task, all on purpose:</para>
/// <list type="bullet">
/// <item>Missing file: Kafka only logs a warning and waits. Here Poll throws a <see cref="RetriableException"/>
/// naming the file and the <c>file</c> setting, so the reason shows in the task status while the runtime keeps
/// retrying; once the file exists it is read normally.</item>
/// <item>Truncation and rotation: Kafka keeps reading its old stream forever. Here, when at the end of the file,
/// the task checks (at most once a second) whether the file at the path was truncated (shorter than what was read),
/// replaced (on Linux: the open file was renamed or deleted and a new one created at the path) or rewritten (its
/// first bytes changed); then it reads the file at the path again from position 0 and sets
/// <see cref="LastWarning"/>. A stored offset beyond the end of the file, or not at the start of a line, is treated
/// the same way on start. A file removed and not (yet) re-created only sets <see cref="LastWarning"/>.</item>
/// <item>Positions count bytes (Kafka counts UTF-16 characters, which breaks resuming after non-ASCII text).
/// Lines end at "\n" or "\r\n"; a lone '\r' is kept in the line (Kafka also ends a line there). A UTF-8 byte-order
/// mark at the start of the file is dropped.</item>
/// <item>Standard input: records carry no source partition and offset (null), and at the end of the input its
/// last line is returned even without '\n'.</item>
/// </list>
/// </summary>
public sealed class FileStreamSourceTask : SourceTask, ActorConnect.Api.Connector.ITaskWarnings
{
    /// <summary>The source partition key naming the file (Kafka's <c>FILENAME_FIELD</c>).</summary>
    public const string FilenameField = "filename";

    /// <summary>The source offset key holding the byte position after the last line read (Kafka's <c>POSITION_FIELD</c>).</summary>
    public const string PositionField = "position";

    private const int InitialBufferSize = 256 * 1024;
    private const int MinReadSize = 64 * 1024;
    private const int MaxIdleWaitMs = 1000;
    private const int DefaultCheckIntervalMs = 100;

    private static readonly Schema ValueSchema = Schema.StringSchema;

    private readonly object _sync = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Stream? _standardInputOverride;
    private readonly LineBuffer _lines = new(InitialBufferSize);

    private string _topic = string.Empty;
    private int _batchSize = FileStreamSourceConnector.DefaultBatchSize;
    private string? _path;
    private string? _connectorName;
    private IReadOnlyDictionary<string, object?>? _partition;
    private StreamPump? _pump;
    private bool _inputEnded;
    private bool _stopped;

    private SafeFileHandle? _handle;
    private FileChangeSignal? _changes;
    private WaitHandle[]? _stopOrChange;
    private bool _watchTried;
    private FileIdentity? _identity;
    private long? _storedPosition;
    private long _position;
    private long _readPosition;
    private volatile string? _lastWarning;

    /// <summary>Creates the task (the runtime's constructor).</summary>
    public FileStreamSourceTask()
    {
    }

    /// <summary>Creates a task that reads <paramref name="standardInput"/> instead of the process's stdin when <c>file</c> is unset (tests).</summary>
    internal FileStreamSourceTask(Stream standardInput) => _standardInputOverride = standardInput;

    /// <inheritdoc />
    public override string Version => FileConnectorVersion.Value;

    /// <summary>How long an idle Poll waits before returning null (tests raise it to prove that Stop wakes Poll).</summary>
    internal int IdleWaitMs { get; set; } = MaxIdleWaitMs;

    /// <summary>How often an idle Poll looks at a file it cannot watch for changes.</summary>
    internal int CheckIntervalMs { get; set; } = DefaultCheckIntervalMs;

    /// <summary>
    /// The last unusual situation the task handled without failing, or null: the file missing (also reported as a
    /// <see cref="RetriableException"/> from Poll), truncated, replaced, rewritten, deleted, or a stored offset that
    /// no longer fits the file. Reading continues in each case (from position 0 of the file now at the path where
    /// the text says so). Safe to read from any thread.
    /// </summary>
    public string? LastWarning => _lastWarning;

    /// <summary>Parses the configuration and, for a file, reads the stored offset to resume from.</summary>
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var config = FileStreamSourceConnector.ConfigDefinition().Parse(props);
        _topic = config.GetString(FileStreamSourceConnector.TopicConfig)!;
        _batchSize = config.GetInt(FileStreamSourceConnector.BatchSizeConfig);
        _connectorName = props.GetValueOrDefault("name");
        var file = config.GetString(FileStreamSourceConnector.FileConfig);
        if (string.IsNullOrEmpty(file))
        {
            _path = null;
            _partition = null;
            _pump = _standardInputOverride is null ? StreamPump.StandardInput : new StreamPump(_standardInputOverride);
            return;
        }

        _path = file;
        _partition = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?> { [FilenameField] = file });
        _storedPosition = ReadStoredPosition(_partition);
    }

    /// <summary>
    /// Returns up to <c>batch.size</c> complete lines, or null after waiting about a second without new data (or
    /// when stopped). Throws <see cref="RetriableException"/> while the file does not exist.
    /// </summary>
    public override IReadOnlyList<SourceRecord>? Poll() => _path is null ? PollStream() : PollFile();

    /// <summary>Stops the task: a waiting <see cref="Poll"/> returns at once and the file is closed.</summary>
    public override void Stop()
    {
        _stop.Cancel();
        lock (_sync)
        {
            _stopped = true;
            _handle?.Dispose();
            _handle = null;
            _changes?.Dispose();
            _changes = null;
        }
    }

    private IReadOnlyList<SourceRecord>? PollFile()
    {
        var deadline = Environment.TickCount64 + IdleWaitMs;
        while (true)
        {
            lock (_sync)
            {
                if (_stopped)
                {
                    return null;
                }

                EnsureOpen();
                WatchForChanges();
                if (ReadLines() is { } records)
                {
                    return records;
                }

                if (CheckIdentityIfDue())
                {
                    continue;
                }
            }

            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
            {
                return null;
            }

            // A watched file is looked at again when it changes, or when the idle wait ends (a lost notification costs at
            // most that second, Kafka Connect's own interval); one that cannot be watched, every CheckIntervalMs.
            if (_stopOrChange is { } handles
                    ? WaitHandle.WaitAny(handles, (int)remaining) == 0
                    : _stop.Token.WaitHandle.WaitOne((int)Math.Min(remaining, CheckIntervalMs)))
            {
                return null;
            }
        }
    }

    /// <summary>Once the file is open: a notification of its changes wakes the idle wait (see <see cref="FileChangeSignal"/>).</summary>
    private void WatchForChanges()
    {
        if (_watchTried)
        {
            return;
        }

        _watchTried = true;
        _changes = FileChangeSignal.TryCreate(_path!, out var error);
        if (_changes is null)
        {
            Warn($"Cannot watch file {_path} for changes ({error}); new lines are picked up by checking every {CheckIntervalMs} ms instead " +
                 "(on Linux, raise fs.inotify.max_user_instances)");
            return;
        }

        _stopOrChange = [_stop.Token.WaitHandle, _changes.Changed];
    }

    /// <summary>Takes complete lines from the buffer, reading more of the file as needed; null when none is available.</summary>
    private List<SourceRecord>? ReadLines()
    {
        List<SourceRecord>? records = null;
        var now = DateTimeOffset.UtcNow;
        while (true)
        {
            while (_lines.TryTakeLine(out var line, out var consumed))
            {
                if (_position == 0 && line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                _position += consumed;
                records ??= new List<SourceRecord>(Math.Min(_batchSize, 4096));
                records.Add(NewRecord(Encoding.UTF8.GetString(line), _position, now));
                if (records.Count >= _batchSize)
                {
                    return records;
                }
            }

            int read;
            try
            {
                read = RandomAccess.Read(_handle!, _lines.GetFreeSpan(MinReadSize), _readPosition);
            }
            catch (IOException e)
            {
                throw new RetriableException($"Reading file {_path} at position {_readPosition} failed: {e.Message}", e);
            }

            if (read <= 0)
            {
                return records;
            }

            _lines.Commit(read);
            _readPosition += read;
        }
    }

    private SourceRecord NewRecord(string line, long position, DateTimeOffset timestamp) =>
        new(_partition, new PositionOffset(position), _topic, null, null, null, ValueSchema, line, timestamp);

    private void EnsureOpen()
    {
        if (_handle is not null)
        {
            return;
        }

        var handle = TryOpen();
        if (handle is null)
        {
            var message = $"File {FileErrors.Describe(_path!)} does not exist yet; waiting for it to be created (check the 'file' setting of {ConnectorDescription()})";
            _lastWarning = message;
            throw new RetriableException(message);
        }

        long start = 0;
        if (_storedPosition is { } stored)
        {
            _storedPosition = null;
            var length = RandomAccess.GetLength(handle);
            if (stored > length)
            {
                Warn($"File {_path} is shorter ({length} bytes) than the stored offset position {stored}: it was truncated or replaced while the task was stopped; reading it from position 0");
            }
            else if (stored > 0 && !IsLineStart(handle, stored))
            {
                Warn($"The stored offset position {stored} of file {_path} is not at the start of a line: the file was rewritten or replaced while the task was stopped; reading it from position 0");
            }
            else
            {
                start = stored;
            }
        }

        Attach(handle, start);
    }

    private static bool IsLineStart(SafeFileHandle handle, long position)
    {
        Span<byte> previous = stackalloc byte[1];
        return RandomAccess.Read(handle, previous, position - 1) == 1 && previous[0] == (byte)'\n';
    }

    private SafeFileHandle? TryOpen()
    {
        try
        {
            return System.IO.File.OpenHandle(_path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (UnauthorizedAccessException e) when (FileErrors.IsDirectory(_path!))
        {
            throw new ConnectException(
                $"Cannot read file {FileErrors.Describe(_path!)}: it is a directory, not a file (check the 'file' setting of {ConnectorDescription()}: it must name a readable regular file)", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ConnectException(
                $"Cannot read file {FileErrors.Describe(_path!)}: {e.Message} (it must be a readable regular file; check the 'file' setting of {ConnectorDescription()} and the worker's permissions)", e);
        }
        catch (IOException e)
        {
            throw new RetriableException($"Cannot open file {FileErrors.Describe(_path!)}: {e.Message}", e);
        }
    }

    private void Attach(SafeFileHandle handle, long start)
    {
        _handle = handle;
        _position = _readPosition = start;
        _lines.Clear();
        if (_identity is null)
        {
            _identity = new FileIdentity(_path!, handle);
        }
        else
        {
            _identity.Remember(handle);
        }
    }

    private bool CheckIdentityIfDue() =>
        _identity!.CheckIfDue(_readPosition, _position, Warn) is { } reason && Reopen(reason);

    private bool Reopen(string reason)
    {
        var handle = TryOpen();
        if (handle is null)
        {
            return false;
        }

        var dropped = _lines.Pending;
        _handle?.Dispose();
        Attach(handle, 0);
        Warn(reason + "; reading it again from position 0" +
             (dropped > 0 ? $" (an unterminated last line of {dropped} bytes of the previous content was dropped)" : string.Empty));
        return true;
    }

    private IReadOnlyList<SourceRecord>? PollStream()
    {
        var pump = _pump ?? throw new InvalidOperationException("The task was not started.");
        var deadline = Environment.TickCount64 + IdleWaitMs;
        List<SourceRecord>? records = null;
        var now = DateTimeOffset.UtcNow;
        while (true)
        {
            while (_lines.TryTakeLine(out var line, out _))
            {
                records ??= new List<SourceRecord>(Math.Min(_batchSize, 4096));
                records.Add(NewStdinRecord(Encoding.UTF8.GetString(line), now));
                if (records.Count >= _batchSize)
                {
                    return records;
                }
            }

            if (_inputEnded || _stop.IsCancellationRequested)
            {
                if (records is null && !_stop.IsCancellationRequested)
                {
                    _stop.Token.WaitHandle.WaitOne(IdleWaitMs);
                }

                return records;
            }

            var wait = records is null ? (int)Math.Max(0, deadline - Environment.TickCount64) : 0;
            if (pump.TryTake(out var chunk, wait, _stop.Token))
            {
                chunk.AsSpan().CopyTo(_lines.GetFreeSpan(chunk.Count));
                _lines.Commit(chunk.Count);
                now = DateTimeOffset.UtcNow;
                continue;
            }

            if (pump.IsCompleted)
            {
                if (pump.Error is { } error)
                {
                    throw new ConnectException($"Reading standard input failed: {error.Message}", error);
                }

                _inputEnded = true;
                if (_lines.Pending > 0)
                {
                    records ??= new List<SourceRecord>(1);
                    records.Add(NewStdinRecord(Encoding.UTF8.GetString(_lines.TakeRest()), now));
                }

                return records;
            }

            if (records is not null || Environment.TickCount64 >= deadline || _stop.IsCancellationRequested)
            {
                return records;
            }
        }
    }

    private SourceRecord NewStdinRecord(string line, DateTimeOffset timestamp) =>
        new(null, null, _topic, null, null, null, ValueSchema, line, timestamp);

    private long? ReadStoredPosition(IReadOnlyDictionary<string, object?> partition)
    {
        var reader = Context?.OffsetStorageReader;
        var offset = reader?.Offset(partition);
        if (offset is null || !offset.TryGetValue(PositionField, out var raw) || raw is null)
        {
            return null;
        }

        return ToPosition(raw) ?? throw new ConnectException(
            $"Offset position is the incorrect type: the stored offset of file {_path} has \"{PositionField}\": {raw} ({raw.GetType().Name}), " +
            "expected a non-negative whole number of bytes");
    }

    /// <summary>A stored position as the task can start from it (a whole number of bytes, 0 or more), or null when it cannot.</summary>
    internal static long? ToPosition(object raw)
    {
        long? value = raw switch
        {
            long l => l,
            int i => i,
            short s => s,
            sbyte s => s,
            byte b => b,
            ushort u => u,
            uint u => u,
            ulong u when u <= long.MaxValue => (long)u,
            double d when d == Math.Floor(d) && d is >= 0 and <= long.MaxValue => (long)d,
            float f when f == MathF.Floor(f) && f is >= 0 and <= long.MaxValue => (long)f,
            decimal m when m == decimal.Floor(m) && m is >= 0 and <= long.MaxValue => (long)m,
            string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) => p,
            JsonElement { ValueKind: JsonValueKind.Number } j when j.TryGetInt64(out var p) => p,
            _ => null,
        };
        return value is >= 0 ? value : null;
    }

    private void Warn(string message) => _lastWarning = message;

    private string ConnectorDescription() => _connectorName is null ? "the connector" : $"connector {_connectorName}";
}
