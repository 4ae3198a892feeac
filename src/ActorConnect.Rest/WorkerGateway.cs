using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Worker;
using Akka.Actor;

namespace ActorConnect.Rest;

/// <summary>
/// The REST layer's only way to the runtime: a message to the worker actor and its reply. Until the worker is attached
/// (the server binds first so the worker id can be its advertised address, as in Kafka Connect) every request gets 503.
/// </summary>
public sealed class WorkerGateway
{
    private volatile IActorRef? _worker;

    public WorkerGateway(TimeSpan requestTimeout, TimeSpan healthTimeout)
    {
        RequestTimeout = requestTimeout;
        HealthTimeout = healthTimeout;
    }

    /// <summary>How long a request waits for the worker (Kafka Connect: 90 s).</summary>
    public TimeSpan RequestTimeout { get; }

    /// <summary>How long <c>GET /health</c> waits (Kafka Connect: 10 s).</summary>
    public TimeSpan HealthTimeout { get; }

    public bool IsAttached => _worker is not null;

    /// <summary>What the worker's config providers resolved: no error body quotes it (<see cref="ErrorHandling"/>).</summary>
    public SecretRedactor Secrets { get; private set; } = new();

    /// <summary>Connects the worker, with the redactor of its config providers (<c>Services.Providers.Secrets</c>).</summary>
    public void Attach(IActorRef worker, SecretRedactor? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(worker);
        Secrets = secrets ?? Secrets;
        _worker = worker;
    }

    /// <summary>Disconnects the worker (a distributed worker restarting to join another cluster): requests get 503 until the next <see cref="Attach"/>.</summary>
    public void Detach() => _worker = null;

    /// <summary>
    /// Sends <paramref name="message"/> and returns the reply as <typeparamref name="T"/>. A <c>Status.Failure</c>
    /// reply is rethrown as its cause (the error handler maps its type to a status code); no reply in time is a 500
    /// whose message names the request.
    /// </summary>
    public async Task<T> AskAsync<T>(object message, string what, TimeSpan? timeout = null)
    {
        var worker = _worker ?? throw new RestException(StatusCodes.Status503ServiceUnavailable,
            "The worker is still starting and cannot handle requests yet. Try again in a few seconds.");
        var wait = timeout ?? RequestTimeout;
        object reply;
        try
        {
            reply = await worker.Ask<object>(message, wait).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            throw new RestException(StatusCodes.Status500InternalServerError,
                $"Request timed out. The worker did not answer '{what}' within {wait.TotalSeconds:0.#} s; it may be busy starting or stopping connectors, " +
                "or this operation may not be supported by this worker yet. Try again, and check the worker's log if it keeps happening.");
        }

        return reply switch
        {
            Status.Failure failure => throw failure.Cause,
            T typed => typed,
            Status.Success when typeof(T) == typeof(Status.Success) => (T)(object)reply,
            _ => throw new InvalidOperationException($"The worker answered '{what}' with an unexpected {reply?.GetType().Name ?? "null"}."),
        };
    }
}
