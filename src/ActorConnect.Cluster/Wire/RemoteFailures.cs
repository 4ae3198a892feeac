using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Errors;
using Akka.Actor;
using Akka.Remote.Serialization;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// The wire format of <c>Status.Failure</c>, the refusal an entity sends back to a node that asked it something
/// (a task that does not run, a connector that cannot be loaded). Akka's own format rebuilds an exception only through
/// a serialization constructor, which ours lack: the asker got a failure without a cause and timed out instead of
/// answering 409. Our exceptions travel as a stable kind and their message; any other failure keeps Akka's format.
/// </summary>
internal sealed class RemoteFailures(ExtendedActorSystem system)
{
    public const string Manifest = "failure";

    /// <summary>Kind on the wire, exception type, how to make one again; most specific first.</summary>
    private static readonly (string Kind, Type Type, Func<string, Exception> Create)[] Kinds =
    [
        ("conflict", typeof(ConflictException), m => new ConflictException(m)),
        ("not-found", typeof(NotFoundException), m => new NotFoundException(m)),
        ("bad-request", typeof(BadRequestException), m => new BadRequestException(m)),
        ("forbidden", typeof(ForbiddenException), m => new ForbiddenException(m)),
        ("worker-unavailable", typeof(WorkerUnavailableException), m => new WorkerUnavailableException(m)),
        ("config", typeof(ConfigException), m => new ConfigException(m)),
        ("connect", typeof(ConnectException), m => new ConnectException(m)),
    ];

    private readonly Lazy<MiscMessageSerializer> _akka = new(() => new MiscMessageSerializer(system));

    public byte[] Write(Status.Failure failure)
    {
        var writer = new WireWriter();
        if (failure.Cause is { } cause && Kinds.FirstOrDefault(k => k.Type.IsInstanceOfType(cause)).Kind is { } kind)
        {
            writer.String(1, kind).String(2, cause.Message);
        }
        else
        {
            writer.String(3, _akka.Value.Manifest(failure)).Bytes(4, _akka.Value.ToBinary(failure));
        }

        return writer.ToArray();
    }

    public Status.Failure Read(byte[] bytes)
    {
        var fields = WireFields.Parse(Manifest, bytes);
        if (fields.String(1) is { } kind)
        {
            // A kind this version does not know (a newer node's) is still a refusal with its message.
            var create = Kinds.FirstOrDefault(k => k.Kind == kind).Create ?? (m => new ConnectException(m));
            return new Status.Failure(create(fields.String(2) ?? string.Empty));
        }

        return (Status.Failure)_akka.Value.FromBinary(fields.Bytes(4), fields.RequiredString(3));
    }
}
