using ActorConnect.Api.Storage;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Transforms;

namespace ActorConnect.Runtime.Tasks;

/// <summary>
/// What a source and a sink task's record pipeline share: the connector's key and value converters (with their types,
/// which error reports name), its transformation chain and the <c>errors.*</c> handling every stage runs under.
/// </summary>
/// <typeparam name="TRecord">The records the chain transforms.</typeparam>
public abstract class RecordPipeline<TRecord> : IDisposable
    where TRecord : ActorConnect.Api.Data.ConnectRecord
{
    private protected RecordPipeline(IConverter keyConverter, IConverter valueConverter, TransformationChain<TRecord> chain, RetryWithToleranceOperator errors)
    {
        KeyConverter = keyConverter;
        ValueConverter = valueConverter;
        KeyConverterType = keyConverter.GetType();
        ValueConverterType = valueConverter.GetType();
        Chain = chain;
        Errors = errors;
    }

    /// <summary>The connector's transforms; disposed with the pipeline.</summary>
    public TransformationChain<TRecord> Chain { get; }

    /// <summary>The error handling every stage runs under; disposed with the pipeline.</summary>
    public RetryWithToleranceOperator Errors { get; }

    private protected IConverter KeyConverter { get; }

    private protected IConverter ValueConverter { get; }

    private protected Type KeyConverterType { get; }

    private protected Type ValueConverterType { get; }

    /// <summary>Disposes the transforms and the error reporters.</summary>
    public void Dispose()
    {
        try
        {
            Chain.Dispose();
        }
        finally
        {
            Errors.Dispose();
        }
    }
}
