using Akka.Actor;
using Akka.Serialization;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// Akka's serializer for every <see cref="Runtime.Wire.IClusterMessage"/> (bound in hocon/cluster.conf, identifier
/// there too): the manifest names the message, the bytes hold its fields in <see cref="ClusterMessageFormats"/>'
/// format. Akka's default JSON serializer would write the CLR type and property names, so a rename on one node would
/// break the messages of the others.
/// </summary>
public sealed class ClusterMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override string Manifest(object o) => ClusterMessageFormats.For(o).Manifest;

    public override byte[] ToBinary(object obj) => ClusterMessageFormats.Write(obj);

    public override object FromBinary(byte[] bytes, string manifest) => ClusterMessageFormats.Read(manifest, bytes);
}
