using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Serialization;

namespace ActorConnect.Cluster.Tests.Wire;

/// <summary>
/// Akka's default serializer, recording each ActorConnect type it is asked to write: a node of the in-process cluster
/// runs with it in the default's place, so a test can say that no message of ours went through it.
/// </summary>
public sealed class WatchedDefaultSerializer : NewtonSoftJsonSerializer
{
    public WatchedDefaultSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public WatchedDefaultSerializer(ExtendedActorSystem system, Akka.Configuration.Config config)
        : base(system, config)
    {
    }

    /// <summary>The HOCON that puts it in the default's place.</summary>
    public static readonly Akka.Configuration.Config Config = Akka.Configuration.ConfigurationFactory.ParseString($$"""
        akka.actor.serializers.json = "{{typeof(WatchedDefaultSerializer).AssemblyQualifiedName!.Split(", Version")[0]}}"
        """);

    private static readonly ConditionalWeakTable<ActorSystem, ConcurrentDictionary<string, byte>> Written = new();

    public override int Identifier => 1;

    /// <summary>The ActorConnect types the default serializer wrote in <paramref name="node"/>.</summary>
    public static IReadOnlyCollection<string> WrittenIn(ActorSystem node) =>
        Written.TryGetValue(node, out var types) ? types.Keys.ToList() : [];

    public override byte[] ToBinary(object obj)
    {
        if (obj.GetType().FullName?.StartsWith("ActorConnect.", StringComparison.Ordinal) == true)
        {
            Written.GetOrCreateValue(system)[obj.GetType().FullName!] = 0;
        }

        return base.ToBinary(obj);
    }
}
