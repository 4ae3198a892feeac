using ActorConnect.Api.Data;

namespace ActorConnect.Runtime.Transforms;

/// <summary>
/// One configured transform of a chain (<c>transforms.&lt;alias&gt;.*</c>) with its optional predicate: the
/// transform applies to a record when there is no predicate, or when the predicate's result differs from
/// <c>negate</c>; otherwise the record passes unchanged.
/// </summary>
public sealed class TransformationStage<TRecord> : IDisposable
    where TRecord : ConnectRecord
{
    private readonly Func<TRecord, TRecord?> _apply;
    private readonly Func<TRecord, bool>? _test;
    private readonly IDisposable _transformation;
    private readonly IDisposable? _predicate;

    internal TransformationStage(string alias, Type transformationType, Func<TRecord, TRecord?> apply, IDisposable transformation,
        string? predicateAlias, Func<TRecord, bool>? test, IDisposable? predicate, bool negate)
    {
        Alias = alias;
        TransformationType = transformationType;
        _apply = apply;
        _transformation = transformation;
        PredicateAlias = predicateAlias;
        _test = test;
        _predicate = predicate;
        Negate = negate;
    }

    public string Alias { get; }

    /// <summary>The transform's class: the executing class when it fails.</summary>
    public Type TransformationType { get; }

    public string? PredicateAlias { get; }

    public bool Negate { get; }

    /// <summary>The transformed record, the record itself when the predicate says to skip, or null to drop it.</summary>
    public TRecord? Apply(TRecord record) =>
        _test is null || _test(record) != Negate ? _apply(record) : record;

    public void Dispose()
    {
        // Each is third-party code: one failing to dispose must not keep the other's resources.
        try
        {
            _transformation.Dispose();
        }
        finally
        {
            _predicate?.Dispose();
        }
    }
}
