using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorConnect.Cluster.Storage;

/// <summary>What a worker says of itself in its announcement.</summary>
public enum AnnouncedState
{
    /// <summary>Looking for its group's cluster, or joining it: a member of none yet.</summary>
    Seeking,

    /// <summary>A member of the cluster named in the announcement, and allowed to run connectors.</summary>
    Member,

    /// <summary>A member of a cluster that stood down because an older cluster of its group is alive: it runs nothing.</summary>
    Fenced,
}

/// <summary>
/// One worker's record in the config topic, rewritten every refresh interval while the worker lives and deleted when it
/// leaves: how the workers of a <c>group.id</c> find each other without seed nodes, and how a second cluster on one
/// group is noticed. Key <c>worker-{host}:{port}</c> (the node's cluster address), beside Kafka Connect's own keys,
/// which Kafka Connect's readers skip.
/// </summary>
/// <param name="Address">The node's Akka address, as other nodes join it (<c>akka.tcp://actorconnect@host:port</c>).</param>
/// <param name="Uid">The node's incarnation: a worker restarted at the same address has a new one.</param>
/// <param name="State">Seeking, member or fenced.</param>
/// <param name="Cluster">The id of the cluster it is a member of (set by the worker that formed it); null while seeking.</param>
/// <param name="FormedAt">When that cluster was formed (Unix ms, by the clock of the worker that formed it): the older cluster wins.</param>
/// <param name="Sequence">Grows with every refresh; a new value is the sign of life.</param>
/// <param name="WorkerId">The worker's id (its advertised REST address), for messages.</param>
/// <param name="Group">The worker's <c>group.id</c>.</param>
public sealed record WorkerAnnouncement(
    string Address, long Uid, AnnouncedState State, string? Cluster, long FormedAt, long Sequence, string WorkerId, string Group)
{
    /// <summary>The prefix of announcement keys in the config topic.</summary>
    public const string KeyPrefix = "worker-";

    /// <summary>The key of the worker at <paramref name="hostPort"/> (<c>host:port</c> of its cluster address).</summary>
    public static string KeyOf(string hostPort) => KeyPrefix + hostPort;

    /// <summary>The record's value: JSON, like the config topic's other records.</summary>
    public byte[] ToBytes() => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["address"] = Address,
        ["uid"] = Uid,
        ["state"] = State.ToString().ToLowerInvariant(),
        ["cluster"] = Cluster,
        ["formed.at"] = FormedAt,
        ["sequence"] = Sequence,
        ["worker.id"] = WorkerId,
        ["group.id"] = Group,
    }.ToJsonString());

    /// <summary>Reads a record's value; null for a value this version cannot read (another writer, a newer format), which is then ignored.</summary>
    public static WorkerAnnouncement? Parse(byte[] value)
    {
        try
        {
            if (JsonNode.Parse(value) is not JsonObject o
                || o["address"]?.GetValue<string>() is not { Length: > 0 } address
                || !Enum.TryParse<AnnouncedState>(o["state"]?.GetValue<string>(), ignoreCase: true, out var state))
            {
                return null;
            }

            return new WorkerAnnouncement(
                address,
                o["uid"]?.GetValue<long>() ?? 0,
                state,
                o["cluster"]?.GetValue<string>(),
                o["formed.at"]?.GetValue<long>() ?? 0,
                o["sequence"]?.GetValue<long>() ?? 0,
                o["worker.id"]?.GetValue<string>() ?? string.Empty,
                o["group.id"]?.GetValue<string>() ?? string.Empty);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when cluster <paramref name="clusterA"/> takes precedence over <paramref name="clusterB"/>: the one formed
    /// first, then the lower id. Every worker compares the same two records, so all agree on which cluster stays.
    /// </summary>
    public static bool Precedes(string clusterA, long formedA, string clusterB, long formedB) =>
        formedA != formedB ? formedA < formedB : string.CompareOrdinal(clusterA, clusterB) < 0;
}
