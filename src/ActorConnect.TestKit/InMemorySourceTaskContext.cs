using ActorConnect.Api.Source;

namespace ActorConnect.TestKit;

/// <summary>
/// The runtime's side of a source task, for unit tests that call <see cref="SourceTask.Initialize"/>,
/// <see cref="SourceTask.Start"/> and <see cref="SourceTask.Poll"/> themselves. Its offsets come from
/// <see cref="Offsets"/> under the connector's name (the <c>name</c> key of <see cref="Configs"/>), as the runtime's do.
/// </summary>
public sealed class InMemorySourceTaskContext : ISourceTaskContext
{
    /// <summary>A context for a task of the connector named by <paramref name="configs"/>' <c>name</c> key (else "connector").</summary>
    /// <param name="configs">The task's configuration.</param>
    /// <param name="offsets">The offsets to read; an empty store when null.</param>
    public InMemorySourceTaskContext(IReadOnlyDictionary<string, string> configs, InMemoryOffsetStore? offsets = null)
    {
        Configs = configs;
        Offsets = offsets ?? new InMemoryOffsetStore();
        ConnectorName = configs.GetValueOrDefault("name") ?? "connector";
        OffsetStorageReader = Offsets.ReaderFor(ConnectorName);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Configs { get; }

    /// <inheritdoc />
    public IOffsetStorageReader OffsetStorageReader { get; }

    /// <summary>The store <see cref="OffsetStorageReader"/> reads.</summary>
    public InMemoryOffsetStore Offsets { get; }

    /// <summary>The connector the offsets are stored under.</summary>
    public string ConnectorName { get; }

    /// <summary>Stores the offsets of <paramref name="records"/> as the runtime would once Kafka acknowledged them.</summary>
    public void Commit(IEnumerable<SourceRecord> records) => Offsets.Commit(ConnectorName, records);
}
