using System.Collections.Concurrent;
using Confluent.Kafka;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// A partition listener that records every call, commits what the test says it processed, and tells on which thread it ran.
/// </summary>
public sealed class RecordingListener : IPartitionListener
{
    private readonly ConcurrentDictionary<TopicPartition, long> _processed = new();
    private readonly object _gate = new();
    private readonly List<string> _events = [];
    private List<TopicPartition> _assigned = [];

    public IReadOnlyList<TopicPartition> Assigned
    {
        get
        {
            lock (_gate)
                return _assigned.ToList();
        }
    }

    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
                return _events.ToList();
        }
    }

    public int RevokeCount { get; private set; }

    public int LostCount { get; private set; }

    /// <summary>Every batch of offsets this listener asked the stage to commit in OnRevoked.</summary>
    public ConcurrentQueue<IReadOnlyList<TopicPartitionOffset>> CommittedOnRevoke { get; } = new();

    public string? ThreadName { get; private set; }

    /// <summary>Called by the test for each record it has finished with; OnRevoked commits the next offsets.</summary>
    public void Processed(ConsumedRecord record) =>
        _processed.AddOrUpdate(record.TopicPartition, record.Offset + 1, (_, old) => Math.Max(old, record.Offset + 1));

    public long ProcessedUpTo(TopicPartition partition) => _processed.TryGetValue(partition, out var next) ? next : 0;

    /// <summary>When set, the partitions the assignment answer says start paused (the others resumed).</summary>
    public IReadOnlyCollection<TopicPartition>? PausedOnAssign { get; set; }

    public AssignmentStart? OnAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        lock (_gate)
        {
            ThreadName = Thread.CurrentThread.Name;
            _assigned = partitions.ToList();
            _events.Add("assigned " + Describe(partitions));
        }
        return PausedOnAssign is { } paused ? new AssignmentStart([], paused) : null;
    }

    public IReadOnlyList<TopicPartitionOffset>? OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
        var offsets = partitions
            .Where(p => _processed.ContainsKey(p))
            .Select(p => new TopicPartitionOffset(p, new Offset(_processed[p])))
            .ToList();
        lock (_gate)
        {
            RevokeCount++;
            _assigned = _assigned.Except(partitions).ToList();
            _events.Add("revoked " + Describe(partitions));
        }
        CommittedOnRevoke.Enqueue(offsets);
        return offsets;
    }

    public void OnLost(IReadOnlyList<TopicPartition> partitions)
    {
        lock (_gate)
        {
            LostCount++;
            _assigned = _assigned.Except(partitions).ToList();
            _events.Add("lost " + Describe(partitions));
        }
    }

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(",", partitions.Select(p => p.Partition.Value).Order());
}
