namespace ActorConnect.TestKit;

/// <summary>How <see cref="ConnectorHarness"/> sets up its worker; the defaults suit most connector tests.</summary>
public sealed record ConnectorHarnessOptions
{
    /// <summary>The worker's <c>key.converter</c>; a connector's own <c>key.converter</c> overrides it. Strings by default.</summary>
    public string KeyConverter { get; init; } = "org.apache.kafka.connect.storage.StringConverter";

    /// <summary>The worker's <c>value.converter</c>; a connector's own <c>value.converter</c> overrides it. Strings by default.</summary>
    public string ValueConverter { get; init; } = "org.apache.kafka.connect.storage.StringConverter";

    /// <summary>More worker properties (as in worker.properties); they win over the harness's own.</summary>
    public IReadOnlyDictionary<string, string> WorkerProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Topics to create, of one partition each, before the connector starts: name the topics a source writes to, so
    /// <see cref="ConnectorHarness.WaitForRecordsAsync"/> reads them in the order produced. A topic first written to
    /// without being created here gets the mock cluster's default of 4 partitions.
    /// </summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>How long each wait of the harness lasts before it fails the test.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Whether <see cref="ConnectorHarness.StartAsync(Type, IReadOnlyDictionary{string, string}, ConnectorHarnessOptions?)"/> returns only once the connector and every task run.</summary>
    public bool WaitForRunning { get; init; } = true;
}
