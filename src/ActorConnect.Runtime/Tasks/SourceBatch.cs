using ActorConnect.Api.Source;
using ActorConnect.Kafka;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// What one poll() hands to the producer: the messages to write, plus the records that will not be written (a
/// transform dropped them, or error handling skipped them) with where they stood among the messages. The producer
/// stage passes the batch through to its result in order, so the skipped records' offsets become committable exactly
/// when every record polled before them has been acknowledged, as Kafka Connect commits filtered records.
/// </summary>
internal sealed class SourceBatch(int capacity) : IReadOnlyList<ProducerMessage<SourceRecord>>
{
    private static readonly IReadOnlyList<(int Position, SourceRecord Record)> None = [];
    private readonly List<ProducerMessage<SourceRecord>> _messages = new(capacity);
    private List<(int Position, SourceRecord Record)>? _skipped;

    public int Count => _messages.Count;

    public ProducerMessage<SourceRecord> this[int index] => _messages[index];

    /// <summary>Skipped records in poll order, each with the index of the first message polled after it.</summary>
    public IReadOnlyList<(int Position, SourceRecord Record)> Skipped => _skipped ?? None;

    public bool IsEmpty => _messages.Count == 0 && _skipped is null;

    public void Add(ProducerMessage<SourceRecord> message) => _messages.Add(message);

    public void Skip(SourceRecord record) => (_skipped ??= []).Add((_messages.Count, record));

    public IEnumerator<ProducerMessage<SourceRecord>> GetEnumerator() => _messages.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
