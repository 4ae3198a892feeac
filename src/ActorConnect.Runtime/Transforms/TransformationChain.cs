using ActorConnect.Api.Data;
using ActorConnect.Runtime.ErrorHandling;

namespace ActorConnect.Runtime.Transforms;

/// <summary>
/// A connector's <c>transforms</c>, in order, for one task: each record goes through every stage; a stage that
/// returns null drops it. Each stage runs under the task's error handling (stage TRANSFORMATION, the transform's
/// class), so a transform that throws is retried, skipped or fails the task as <c>errors.*</c> says.
/// </summary>
public sealed class TransformationChain<TRecord> : IDisposable
    where TRecord : ConnectRecord
{
    private readonly TransformationStage<TRecord>[] _stages;

    public TransformationChain(IEnumerable<TransformationStage<TRecord>> stages) => _stages = stages.ToArray();

    public static TransformationChain<TRecord> Empty { get; } = new([]);

    public IReadOnlyList<TransformationStage<TRecord>> Stages => _stages;

    public bool IsEmpty => _stages.Length == 0;

    /// <summary>
    /// The record after every stage, or null when a stage dropped it or failed on it and the failure was tolerated
    /// (<paramref name="errors"/> has reported it then). Throws <see cref="ToleranceExceededException"/> otherwise.
    /// </summary>
    public TRecord? Apply(TRecord record, RetryWithToleranceOperator errors)
    {
        var current = record;
        foreach (var stage in _stages)
        {
            if (!errors.Execute(ErrorStage.Transformation, stage.TransformationType, (stage, current), static s => s.stage.Apply(s.current), out var next) ||
                next is null)
            {
                return null;
            }

            current = next;
        }

        return current;
    }

    public void Dispose()
    {
        List<Exception>? errors = null;
        foreach (var stage in _stages)
        {
            try
            {
                stage.Dispose();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException("Disposing the transformation chain failed", errors);
        }
    }
}
