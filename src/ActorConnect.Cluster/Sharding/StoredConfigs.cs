namespace ActorConnect.Cluster.Sharding;

/// <summary>Config equality as the config topic sees it: the same keys with the same values, in any order.</summary>
internal static class StoredConfigs
{
    public static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
