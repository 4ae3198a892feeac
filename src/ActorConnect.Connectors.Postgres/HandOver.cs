using System.Threading.Channels;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.Postgres;

/// <summary>A committed transaction's records, or a part of them, handed from the replication reader to the poll thread.</summary>
/// <param name="CommitLsn">The LSN of its commit record (the offsets' <c>lsn_commit</c>).</param>
/// <param name="EndLsn">The end of its commit record: where the slot may be confirmed once its records are stored.</param>
/// <param name="Records">Its records in WAL order (none when it touched no captured table).</param>
/// <param name="Final">
/// False for a part of a transaction larger than one batch: more of it follows, and only its final part says the
/// slot may move past it.
/// </param>
/// <remarks>
/// Records without a source offset (notifications) may be among them; only the records with one say where a
/// restart resumes and what the slot may pass.
/// </remarks>
internal sealed record CommittedTransaction(ulong CommitLsn, ulong EndLsn, IReadOnlyList<SourceRecord> Records, bool Final = true)
{
    /// <summary>True for records of no transaction (notifications sent between transactions): nothing tracks them.</summary>
    public bool Aside { get; private init; }

    /// <summary>Records between transactions, handed over in their place.</summary>
    public static CommittedTransaction Between(IReadOnlyList<SourceRecord> records) => new(0, 0, records, Final: false) { Aside = true };

    /// <summary>The offset of the last of <paramref name="records"/> that has one; null when none has.</summary>
    public static IReadOnlyDictionary<string, object?>? LastOffset(IReadOnlyList<SourceRecord> records)
    {
        for (var i = records.Count - 1; i >= 0; i--)
        {
            if (records[i].SourceOffset is { } offset)
            {
                return offset;
            }
        }

        return null;
    }
}

/// <summary>
/// The queue between the reader (snapshot and stream) and the poll thread, bounded by the records it holds
/// (Debezium's <c>max.queue.size</c>) rather than by transactions: a backlog of large transactions would otherwise sit
/// in memory whole, tens of thousands of records at a time. A part larger than the bound is let in alone. One writer,
/// one reader.
/// </summary>
internal sealed class HandOver(int capacity)
{
    private readonly Channel<CommittedTransaction> _channel = Channel.CreateUnbounded<CommittedTransaction>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    /// <summary>Signalled when the reader takes a part; a waiting writer then looks again.</summary>
    private readonly SemaphoreSlim _room = new(0);

    /// <summary>Records in the queue, a part without records counting as one.</summary>
    private int _held;

    /// <summary>Queues a part once there is room for it (or the queue is empty).</summary>
    public async ValueTask WriteAsync(CommittedTransaction part, CancellationToken ct)
    {
        var size = Size(part);
        while (Volatile.Read(ref _held) is var held && held > 0 && held + size > capacity)
        {
            await _room.WaitAsync(ct).ConfigureAwait(false);
        }

        Interlocked.Add(ref _held, size);
        await _channel.Writer.WriteAsync(part, ct).ConfigureAwait(false);
    }

    /// <summary>Ends the queue: the reader sees <paramref name="error"/> (if any) after the parts queued before it.</summary>
    public void Complete(Exception? error = null) => _channel.Writer.TryComplete(error);

    /// <summary>Takes the next part, if one is queued.</summary>
    public bool TryRead([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CommittedTransaction? part)
    {
        if (!_channel.Reader.TryRead(out part))
        {
            return false;
        }

        Interlocked.Add(ref _held, -Size(part));
        // One pending signal is enough for the one writer; more would only pile up.
        if (_room.CurrentCount == 0)
        {
            _room.Release();
        }

        return true;
    }

    /// <summary>True when a part is queued.</summary>
    public bool Any => _channel.Reader.TryPeek(out _);

    /// <summary>Waits for a part; false when the queue ended without an error (throws the error it ended with).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken ct) => _channel.Reader.WaitToReadAsync(ct);

    private static int Size(CommittedTransaction part) => Math.Max(1, part.Records.Count);
}
