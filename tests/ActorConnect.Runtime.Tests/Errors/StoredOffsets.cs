namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>What a worker stored for a <see cref="TestConnectors.SequenceSourceConnector"/> task 0: its last sequence number.</summary>
internal static class StoredOffsets
{
    public static long? Seq(WorkerHarness worker, string connector) =>
        worker.Worker.Services.OffsetStore.Read(connector, new Dictionary<string, object?> { ["task"] = 0 })?["seq"] is { } seq ? Convert.ToInt64(seq) : null;
}
