using System.Collections.Concurrent;

namespace ActorConnect.Connectors.File;

/// <summary>
/// Reads a stream that cannot be polled without blocking (standard input) on a background thread and hands its
/// chunks over through a bounded queue, so that <see cref="FileStreamSourceTask.Poll"/> can wait with a timeout and
/// be woken by Stop. The thread is a background thread: a read blocked forever on an idle stdin never keeps the
/// process alive.
/// </summary>
internal sealed class StreamPump
{
    private const int ChunkSize = 64 * 1024;
    private readonly BlockingCollection<ArraySegment<byte>> _chunks = new(boundedCapacity: 16);
    private readonly Stream _stream;
    private volatile Exception? _error;

    public StreamPump(Stream stream)
    {
        _stream = stream;
        var thread = new Thread(Run) { IsBackground = true, Name = "FileStreamSource stdin reader" };
        thread.Start();
    }

    /// <summary>The standard input of the process, shared by every task reading it (as Kafka's System.in is).</summary>
    public static StreamPump StandardInput => LazyStdin.Value;

    private static readonly Lazy<StreamPump> LazyStdin = new(() => new StreamPump(Console.OpenStandardInput()));

    /// <summary>True once the stream ended and every chunk was taken.</summary>
    public bool IsCompleted => _chunks.IsCompleted;

    /// <summary>Why reading the stream failed, if it did.</summary>
    public Exception? Error => _error;

    /// <summary>Takes the next chunk, waiting up to <paramref name="timeoutMs"/>; false on timeout, end of stream or cancellation.</summary>
    public bool TryTake(out ArraySegment<byte> chunk, int timeoutMs, CancellationToken cancel)
    {
        try
        {
            return _chunks.TryTake(out chunk, timeoutMs, cancel);
        }
        catch (OperationCanceledException)
        {
            chunk = default;
            return false;
        }
    }

    private void Run()
    {
        try
        {
            while (true)
            {
                var buf = new byte[ChunkSize];
                var n = _stream.Read(buf, 0, buf.Length);
                if (n <= 0)
                {
                    break;
                }

                _chunks.Add(new ArraySegment<byte>(buf, 0, n));
            }
        }
        catch (Exception e)
        {
            _error = e;
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }
}
