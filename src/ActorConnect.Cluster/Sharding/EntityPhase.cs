namespace ActorConnect.Cluster.Sharding;

/// <summary>What a connector or task entity is doing (the diagram on <see cref="FollowingEntity"/>).</summary>
internal enum EntityPhase
{
    /// <summary>Reading the topics (at start, or for a refresh); requests wait in the stash.</summary>
    Loading,

    /// <summary>What the topics hold is applied; requests run at once.</summary>
    Ready,

    /// <summary>A change goes on after its request or load (a supervisor restarting, a target state applying); requests wait.</summary>
    Applying,

    /// <summary>The work is not to run anywhere any more: it stops, its statuses are deleted; requests wait.</summary>
    Leaving,

    /// <summary>The work is gone for good: requests are answered so, and sharding stops the entity.</summary>
    Passivating,

    /// <summary>Sharding moves or stops the entity: its work stops cleanly (offsets flushed), then the entity.</summary>
    HandingOff,
}
