using ActorConnect.Api.Config;
using ActorConnect.Api.Data;

namespace ActorConnect.Api.Transforms;

/// <summary>
/// A single message transform (<c>transforms.X.type</c>): reshapes, reroutes or drops one record.
/// Applied after Poll for sources and before Put for sinks.
/// </summary>
/// <typeparam name="TRecord">The record type it transforms.</typeparam>
public interface ITransformation<TRecord> : IDisposable
    where TRecord : ConnectRecord
{
    /// <summary>The definition of the transform's keys.</summary>
    ConfigDef Config();

    /// <summary>Configures the transform with its keys (the <c>transforms.X.</c> prefix removed).</summary>
    void Configure(IReadOnlyDictionary<string, string> configs);

    /// <summary>Returns the transformed record, or null to drop it.</summary>
    TRecord? Apply(TRecord record);
}

/// <summary>A condition on a record (<c>predicates.X.type</c>) that decides whether a transform applies.</summary>
/// <typeparam name="TRecord">The record type it tests.</typeparam>
public interface IPredicate<TRecord> : IDisposable
    where TRecord : ConnectRecord
{
    /// <summary>The definition of the predicate's keys.</summary>
    ConfigDef Config();

    /// <summary>Configures the predicate (the <c>predicates.X.</c> prefix removed).</summary>
    void Configure(IReadOnlyDictionary<string, string> configs);

    /// <summary>True when the record matches.</summary>
    bool Test(TRecord record);
}
