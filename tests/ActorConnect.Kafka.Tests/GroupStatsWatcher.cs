using System.Text.Json;

namespace ActorConnect.Kafka.Tests;

/// <summary>
/// Reads the consumer-group part of librdkafka's statistics, so a test can wait on the member's own view of its
/// membership ("no rebalance for N ms") instead of sleeping.
/// </summary>
public sealed class GroupStatsWatcher
{
    private volatile GroupStats? _latest;
    private int _count;

    public GroupStats? Latest => _latest;

    /// <summary>How many statistics reports arrived; librdkafka emits them only while the application polls.</summary>
    public int Count => Volatile.Read(ref _count);

    public void OnStatistics(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("cgrp", out var group))
            return;
        _latest = new GroupStats(
            group.GetProperty("join_state").GetString() ?? "",
            group.GetProperty("rebalance_age").GetInt64(),
            group.GetProperty("rebalance_cnt").GetInt32(),
            group.GetProperty("assignment_size").GetInt32());
        Interlocked.Increment(ref _count);
    }
}

/// <param name="JoinState">librdkafka's join state; "steady" is a member in good standing.</param>
/// <param name="RebalanceAgeMs">Time since the last rebalance (assign or revoke), as the member measures it.</param>
/// <param name="RebalanceCount">How many rebalances the member went through.</param>
/// <param name="AssignmentSize">How many partitions it owns.</param>
public sealed record GroupStats(string JoinState, long RebalanceAgeMs, int RebalanceCount, int AssignmentSize);
