namespace ActorConnect.Runtime.Wire;

/// <summary>
/// A message that may travel between the nodes of a distributed worker: an entity's command or reply, or a value
/// inside Akka's own <c>Status.Success</c>. Akka serializes every such message with ActorConnect.Cluster's
/// <c>ClusterMessageSerializer</c> (bound to this interface in hocon/cluster.conf), never with its default serializer,
/// so that nodes of two versions keep understanding each other during a rolling upgrade. A type that implements it
/// needs a wire format in <c>ClusterMessageFormats</c> and a golden file in the cluster tests (a test enforces both).
/// </summary>
public interface IClusterMessage;
