using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Source;
using ActorConnect.Api.Transforms;

namespace ActorConnect.Transforms;

/// <summary>
/// Base of the built-in transforms. Kafka's are generic in the record type; ours are plain classes (the plugin
/// registry creates them by name) that serve source, sink and plain records alike: a transform only ever rebuilds a
/// record with <c>with</c>, which keeps its runtime type, so the cast back is safe.
/// </summary>
public abstract class Transformation : ITransformation<ConnectRecord>, ITransformation<SourceRecord>, ITransformation<SinkRecord>
{
    /// <summary>The definition of the transform's keys.</summary>
    public abstract ConfigDef Config();

    /// <summary>Parses and validates the keys, then hands them to <see cref="Configure(ParsedConfig)"/>.</summary>
    public void Configure(IReadOnlyDictionary<string, string> configs) => Configure(Config().Parse(configs));

    /// <summary>Takes the parsed keys; throws <see cref="Api.Errors.ConfigException"/> for combinations that do not fit.</summary>
    protected abstract void Configure(ParsedConfig config);

    /// <summary>The transformed record, or null to drop it.</summary>
    protected abstract ConnectRecord? Transform(ConnectRecord record);

    /// <inheritdoc />
    public ConnectRecord? Apply(ConnectRecord record) => Transform(record);

    /// <inheritdoc />
    public SourceRecord? Apply(SourceRecord record) => (SourceRecord?)Transform(record);

    /// <inheritdoc />
    public SinkRecord? Apply(SinkRecord record) => (SinkRecord?)Transform(record);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the transform holds; the built-in ones hold nothing but caches.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
