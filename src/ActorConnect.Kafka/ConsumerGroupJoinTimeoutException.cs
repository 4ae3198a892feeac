namespace ActorConnect.Kafka;

/// <summary>
/// The consumer stayed without an assignment for longer than <see cref="ConsumerSettings.JoinTimeout"/>: its client
/// may be stuck for good, and a new one should be built (the stream fails with this).
/// </summary>
public sealed class ConsumerGroupJoinTimeoutException(string groupId, TimeSpan waited, string? lastClientError)
    : Exception($"The Kafka consumer of group {groupId} has had no assignment for {waited.TotalSeconds:0} s" +
                (lastClientError is null ? string.Empty : $" (last client error: {lastClientError})") +
                "; its client is closed and a new one joins the group")
{
    /// <summary>The group it could not join.</summary>
    public string GroupId { get; } = groupId;
}
