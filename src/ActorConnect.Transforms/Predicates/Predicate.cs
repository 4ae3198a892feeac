using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Api.Transforms;

namespace ActorConnect.Transforms.Predicates;

/// <summary>Base of the built-in predicates: one class serves source, sink and plain records.</summary>
public abstract class Predicate : IPredicate<ConnectRecord>, IPredicate<SourceRecord>, IPredicate<SinkRecord>
{
    /// <summary>The definition of the predicate's keys.</summary>
    public abstract ConfigDef Config();

    /// <summary>Parses and validates the keys, then hands them to <see cref="Configure(ParsedConfig)"/>.</summary>
    public void Configure(IReadOnlyDictionary<string, string> configs) => Configure(Config().Parse(configs));

    /// <summary>Takes the parsed keys.</summary>
    protected abstract void Configure(ParsedConfig config);

    /// <summary>True when the record matches.</summary>
    public abstract bool Test(ConnectRecord record);

    /// <inheritdoc />
    public bool Test(SourceRecord record) => Test((ConnectRecord)record);

    /// <inheritdoc />
    public bool Test(SinkRecord record) => Test((ConnectRecord)record);

    /// <inheritdoc />
    public void Dispose() => GC.SuppressFinalize(this);
}
