namespace ActorConnect.Cluster.Storage;

/// <summary>
/// Where workers announce themselves: the config topic (<see cref="Storage.KafkaConfigBackingStore"/>). Every worker
/// reads every announcement in one order, its own included.
/// </summary>
public interface IAnnouncementLog
{
    /// <summary>The topic, for messages.</summary>
    string Topic { get; }

    /// <summary>Raised for every announcement record (key, value; a null value deletes the key) read after the call to <see cref="Snapshot"/>.</summary>
    event Action<string, byte[]?>? Announced;

    /// <summary>The latest announcement of every key read so far (the topic up to the log's start, and anything read since).</summary>
    IReadOnlyDictionary<string, byte[]> Snapshot();

    /// <summary>Writes an announcement (a null value deletes the key); completes once the broker has it.</summary>
    Task PublishAsync(string key, byte[]? value);
}
