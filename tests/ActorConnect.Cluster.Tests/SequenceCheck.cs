using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>What the verifiable source's tasks delivered: per task, the sequence numbers missing below its maximum and the duplicates.</summary>
internal sealed record SequenceCheck(IReadOnlyDictionary<int, long> MaxPerTask, IReadOnlyDictionary<int, IReadOnlyList<long>> Gaps, IReadOnlyDictionary<int, int> Duplicates)
{
    public int TotalDuplicates => Duplicates.Values.Sum();

    public static async Task<SequenceCheck> ReadAsync(KafkaFixture kafka, string topic)
    {
        var end = await kafka.HighWatermarkAsync(topic);
        var records = await kafka.ConsumeAllAsync(topic, (int)end, TimeSpan.FromSeconds(60));
        var seen = new Dictionary<int, List<long>>();
        foreach (var r in records)
        {
            var parts = System.Text.Encoding.UTF8.GetString(r.Message.Value!).Split(':');
            var task = int.Parse(parts[0]);
            (seen.TryGetValue(task, out var list) ? list : seen[task] = new()).Add(long.Parse(parts[1]));
        }

        var max = seen.ToDictionary(kv => kv.Key, kv => kv.Value.Max());
        var gaps = seen.ToDictionary(kv => kv.Key, kv =>
        {
            var present = kv.Value.ToHashSet();
            return (IReadOnlyList<long>)Enumerable.Range(0, (int)max[kv.Key] + 1).Select(i => (long)i).Where(i => !present.Contains(i)).ToList();
        });
        var duplicates = seen.ToDictionary(kv => kv.Key, kv => kv.Value.Count - kv.Value.Distinct().Count());
        return new SequenceCheck(max, gaps, duplicates);
    }

    public override string ToString() =>
        string.Join("; ", MaxPerTask.OrderBy(kv => kv.Key).Select(kv => $"task {kv.Key}: max {kv.Value}, gaps {Gaps[kv.Key].Count}, duplicates {Duplicates[kv.Key]}"));
}
