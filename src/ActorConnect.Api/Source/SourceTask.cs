using ActorConnect.Api.Connector;

namespace ActorConnect.Api.Source;

/// <summary>
/// Reads records from a source system. The runtime gives every task its own dedicated thread and calls
/// <see cref="Initialize"/>, <see cref="Start"/>, then <see cref="Poll"/> in a loop, and <see cref="Stop"/>.
/// <para><see cref="Poll"/> may block, but should return (null or an empty list) within about a second when there is
/// no data, so that pause and stop are honoured promptly. <see cref="Stop"/> is called from another thread and must
/// make a blocked <see cref="Poll"/> return.</para>
/// <para>Offsets: a record's <see cref="SourceRecord.SourceOffset"/> is stored only after Kafka acknowledged it and
/// every earlier record of the same source partition; then, after each successful offset flush, <see cref="Commit"/>
/// is called. <see cref="CommitRecord"/> is called for every record Kafka acknowledged (metadata null when the record
/// was dropped by a transform). Throwing <see cref="Errors.RetriableException"/> from Poll means "poll again after a
/// backoff"; any other exception fails the task, which the runtime restarts with backoff.</para>
/// </summary>
public abstract class SourceTask : ITask
{
    /// <summary>The context given by <see cref="Initialize"/>.</summary>
    protected ISourceTaskContext Context { get; private set; } = null!;

    /// <inheritdoc />
    public abstract string Version { get; }

    /// <summary>Called once before <see cref="Start"/>.</summary>
    public virtual void Initialize(ISourceTaskContext context) => Context = context;

    /// <inheritdoc />
    public abstract void Start(IReadOnlyDictionary<string, string> props);

    /// <summary>Returns the next records, or null/empty when none are available yet.</summary>
    public abstract IReadOnlyList<SourceRecord>? Poll();

    /// <summary>Called after the offsets of acknowledged records were durably stored.</summary>
    public virtual void Commit()
    {
    }

    /// <summary>Called once per record after Kafka acknowledged it (metadata null if it was filtered out).</summary>
    public virtual void CommitRecord(SourceRecord record, RecordMetadata? metadata)
    {
    }

    /// <inheritdoc />
    public abstract void Stop();
}
