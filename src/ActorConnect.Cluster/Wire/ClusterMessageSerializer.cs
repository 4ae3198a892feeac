using Akka.Actor;
using Akka.Serialization;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// Akka's serializer for every <see cref="Runtime.Wire.IClusterMessage"/> and for <c>Status.Failure</c> (bound in
/// hocon/cluster.conf, identifier there too): the manifest names the message, the bytes hold its fields in
/// <see cref="ClusterMessageFormats"/>' format (<see cref="RemoteFailures"/>' for failures). Akka's default JSON
/// serializer would write the CLR type and property names, so a rename on one node would break the messages of the others.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private readonly RemoteFailures _failures = new(system);

    public override string Manifest(object o) => o is Status.Failure ? RemoteFailures.Manifest : ClusterMessageFormats.For(o).Manifest;

    public override byte[] ToBinary(object obj) => obj is Status.Failure failure ? _failures.Write(failure) : ClusterMessageFormats.Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) =>
        manifest == RemoteFailures.Manifest ? _failures.Read(bytes) : ClusterMessageFormats.Read(manifest, bytes);
}
