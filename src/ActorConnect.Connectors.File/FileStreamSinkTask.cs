using System.Buffers;
using System.Collections.Concurrent;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Appends each record's value and '\n' to a file (or standard output), as Kafka Connect's
/// <c>FileStreamSinkTask</c>. The value's text: a string as is, a byte[] as the UTF-8 text it holds, null as "null"
/// (as Kafka prints it), other values culture-independently (see the connector docs).
/// <para>Writes are buffered (only whole lines are ever written); <see cref="Flush"/> writes the buffer and fsyncs
/// the file, so the offsets the runtime commits after <see cref="SinkTask.PreCommit"/> are only of records on disk.
/// <see cref="Stop"/> writes what is left and closes the file.</para>
/// <para>A failed write or fsync (a full disk, an I/O error) fails the task, and every later Put, Flush or
/// PreCommit of this instance fails too: after a failed fsync the kernel may report the next one as successful
/// although the data never reached the disk, so no offset is committed past a failure. A failed write is cut off
/// the file again, so it never holds a torn line; the records not written are delivered again after a restart.</para>
/// <para>Several tasks may append to the same file (every task of a connector gets the same <c>file</c>): the file
/// is shared for reading and writing, and each write goes to the file's current end under a lock shared by all tasks
/// of this process writing that path, so lines never overwrite or split each other. (.NET does not open files in
/// O_APPEND mode, so writers in other processes are only protected by that seek-to-end.) A file truncated by someone
/// else is appended to at its new end.</para>
/// </summary>
public sealed class FileStreamSinkTask : SinkTask
{
    private const int WriteThreshold = 64 * 1024;

    private static readonly ConcurrentDictionary<string, object> FileLocks = new(
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

    private static readonly object StandardOutputLock = new();

    private readonly Stream? _outputOverride;
    private readonly ArrayBufferWriter<byte> _pending = new(WriteThreshold * 2);
    private Stream? _output;
    private FileStream? _file;
    private object _writeLock = StandardOutputLock;
    private string _target = "standard output";
    private string _connector = "{name}";
    private ConnectException? _failure;

    /// <summary>Creates the task (the runtime's constructor).</summary>
    public FileStreamSinkTask()
    {
    }

    /// <summary>Creates a task that writes to <paramref name="output"/> instead of stdout when <c>file</c> is unset (tests).</summary>
    internal FileStreamSinkTask(Stream output) => _outputOverride = output;

    /// <inheritdoc />
    public override string Version => FileConnectorVersion.Value;

    /// <summary>Opens (creating if needed) the file for appending; throws <see cref="ConnectException"/> when it cannot.</summary>
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        var config = FileStreamSinkConnector.ConfigDefinition().Parse(props);
        var file = config.GetString(FileStreamSinkConnector.FileConfig);
        _connector = props.TryGetValue("name", out var name) ? Uri.EscapeDataString(name) : _connector;
        if (string.IsNullOrEmpty(file))
        {
            _output = _outputOverride ?? Console.OpenStandardOutput();
            _writeLock = _outputOverride is null ? StandardOutputLock : new object();
            _target = "standard output";
            return;
        }

        _target = "file " + FileErrors.Describe(file);
        if (FileErrors.IsDirectory(file))
        {
            throw new ConnectException(
                $"Cannot write to {_target} for FileStreamSinkTask: it is a directory, not a file " +
                $"(set 'file' to a file path, for example {Path.Combine(file, "sink.txt")}, or move the directory away)");
        }

        try
        {
            _file = new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
            DropTornLastLine(_file);
            _output = _file;
            _writeLock = FileLocks.GetOrAdd(Path.GetFullPath(file), _ => new object());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ConnectException(
                $"Couldn't find or create file '{file}' ({Path.GetFullPath(file)}) for FileStreamSinkTask: {e.Message} " +
                "(check the 'file' setting: its directory must exist and be writable by the worker)", e);
        }
    }

    /// <summary>
    /// A worker killed mid-write can leave a last line without its newline. Its record's offset was never committed
    /// (commits follow a flush, and a flush writes whole lines), so it will be delivered again: cut the torn piece
    /// off, or the redelivered line would be glued to it and the file would hold a line no record ever had.
    /// </summary>
    private static void DropTornLastLine(FileStream file)
    {
        var length = file.Length;
        if (length == 0)
        {
            return;
        }

        var buffer = new byte[64 * 1024];
        var end = length;
        while (end > 0)
        {
            var start = Math.Max(0, end - buffer.Length);
            var count = (int)(end - start);
            file.Position = start;
            file.ReadExactly(buffer, 0, count);
            var newline = Array.LastIndexOf(buffer, (byte)'\n', count - 1, count);
            if (newline >= 0)
            {
                var keep = start + newline + 1;
                if (keep != length)
                {
                    file.SetLength(keep);
                }

                return;
            }

            end = start;
        }

        file.SetLength(0);
    }

    /// <summary>Writes each record's value as one line, in whole lines: at 64 KiB and at the end of every batch.</summary>
    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        ThrowIfFailed();
        foreach (var record in records)
        {
            ValueText.Write(_pending, record.Value);
            _pending.Write("\n"u8);
            if (_pending.WrittenCount >= WriteThreshold)
            {
                WritePending();
            }
        }

        // Lines show up in the file as soon as their batch is put, as with Kafka Connect's sink; Flush adds the fsync.
        WritePending();
    }

    /// <summary>Writes everything buffered and forces it to disk (fsync); for stdout, flushes it.</summary>
    public override void Flush(IReadOnlyDictionary<TopicPartition, long> currentOffsets)
    {
        ThrowIfFailed();
        WritePending();
        try
        {
            if (_file is not null)
            {
                _file.Flush(flushToDisk: true);
            }
            else
            {
                _output?.Flush();
            }
        }
        catch (IOException e)
        {
            throw Failed($"flush {_target} to disk (fsync)", e);
        }
    }

    /// <summary>Writes what is buffered and closes the file; after a failure, only closes it.</summary>
    public override void Stop()
    {
        try
        {
            if (_failure is null)
            {
                WritePending();
                _output?.Flush();
            }
        }
        finally
        {
            if (_file is not null)
            {
                _file.Dispose();
                _file = null;
            }

            _output = null;
        }
    }

    private void WritePending()
    {
        if (_pending.WrittenCount == 0 || _output is null)
        {
            return;
        }

        lock (_writeLock)
        {
            long? end = null;
            try
            {
                end = _file?.Seek(0, SeekOrigin.End);
                _output.Write(_pending.WrittenSpan);
            }
            catch (IOException e)
            {
                CutBackTo(end);
                throw Failed($"write to {_target}", e);
            }
        }

        _pending.ResetWrittenCount();
    }

    /// <summary>Removes what a failed write left (part of a batch, a torn line); best effort, the failure is what counts.</summary>
    private void CutBackTo(long? end)
    {
        try
        {
            if (end is { } length && _file is { CanSeek: true } file && file.Length > length)
            {
                file.SetLength(length);
            }
        }
        catch (IOException)
        {
            // A restarted task cuts a torn last line when it opens the file (DropTornLastLine).
        }
    }

    /// <summary>Latches the failure, so this instance never reports a later write or fsync as done.</summary>
    private ConnectException Failed(string what, IOException e)
    {
        var reason = FileErrors.IsDiskFull(e)
            ? $"the disk is full ({e.Message}). Free space on it, or point 'file' at another disk, then restart the task"
            : $"{e.Message}. Fix the cause, then restart the task";
        _failure = new ConnectException(
            $"Could not {what}: {reason} " +
            $"(POST /connectors/{_connector}/restart?includeTasks=true); the records not written are delivered again, as their offsets were not committed", e);
        return _failure;
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new ConnectException($"This task can no longer write to {_target}: {failure.Message}", failure);
        }
    }
}
