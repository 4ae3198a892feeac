using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>What the verifiable source's tasks delivered (to the topic, or through the verifiable sink): per source task, the sequence numbers missing below its maximum and the duplicates.</summary>
internal sealed record SequenceCheck(IReadOnlyDictionary<int, long> MaxPerTask, IReadOnlyDictionary<int, IReadOnlyList<long>> Gaps, IReadOnlyDictionary<int, int> Duplicates)
{
    private readonly IReadOnlyDictionary<int, HashSet<long>> _present = new Dictionary<int, HashSet<long>>();

    public int TotalDuplicates => Duplicates.Values.Sum();

    /// <summary>What the topic holds, in log order per partition.</summary>
    public static async Task<SequenceCheck> ReadAsync(KafkaFixture kafka, string topic)
    {
        var records = (await kafka.ConsumeSnapshotAsync(topic, TimeSpan.FromSeconds(60))).OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value).ToList();
        var check = Of(records.Select(r => (System.Text.Encoding.UTF8.GetString(r.Message.Value!), $"{r.Partition.Value}@{r.Offset.Value}")));
        check.SecondWriters = SecondWritersOf(records.Select(r => r.Message.Key is { } key ? System.Text.Encoding.UTF8.GetString(key) : ""));
        return check;
    }

    /// <summary>
    /// Each task instance's records that came after another instance of the same task had written: the key names the
    /// writer ("task:seq@writer"), and an instance that writes again after its successor has written ran beside it,
    /// a second writer. Only meaningful when each task writes one partition (its records then are in the order sent).
    /// </summary>
    public IReadOnlyList<string> SecondWriters { get; private set; } = [];

    private static List<string> SecondWritersOf(IEnumerable<string> keys)
    {
        var last = new Dictionary<string, string>();
        var ended = new Dictionary<string, HashSet<string>>();
        var found = new List<string>();
        foreach (var key in keys)
        {
            var at = key.IndexOf('@', StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var (task, writer) = (key[..key.IndexOf(':', StringComparison.Ordinal)], key[(at + 1)..]);
            var done = ended.TryGetValue(task, out var set) ? set : ended[task] = new();
            if (last.TryGetValue(task, out var previous) && previous != writer)
            {
                done.Add(previous);
            }

            if (done.Contains(writer))
            {
                found.Add($"task {task}: {writer} wrote {key} after {previous} had written");
            }

            last[task] = writer;
        }

        return found;
    }

    /// <summary>What the verifiable sink's tasks of <paramref name="connector"/> wrote under <paramref name="dir"/>.</summary>
    public static SequenceCheck ReadSink(string dir, string connector) =>
        Of(Directory.GetFiles(dir, $"{connector}-*.received").SelectMany(f => CompleteLines(f).Select((l, i) => (l, $"{Path.GetFileName(f)}:{i + 1}"))));

    /// <summary>The lines of a file a task may be writing now: a last line without its newline is not complete yet.</summary>
    private static IEnumerable<string> CompleteLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var lines = new StreamReader(stream).ReadToEnd().Split('\n');
        return lines[..^1].Where(l => l.Length > 0).ToList();
    }

    private static SequenceCheck Of(IEnumerable<(string Value, string Where)> values)
    {
        var seen = new Dictionary<int, List<long>>();
        var where = new Dictionary<(int, long), List<string>>();
        foreach (var (value, at) in values)
        {
            var parts = value.Split(':');
            var task = int.Parse(parts[0]);
            var seq = long.Parse(parts[1]);
            (seen.TryGetValue(task, out var list) ? list : seen[task] = new()).Add(seq);
            (where.TryGetValue((task, seq), out var places) ? places : where[(task, seq)] = new()).Add(at);
        }

        return new SequenceCheck(seen) { _where = where };
    }

    private SequenceCheck(Dictionary<int, List<long>> seen)
        : this(Max(seen), GapsOf(seen), DuplicatesOf(seen))
    {
        _present = seen.ToDictionary(kv => kv.Key, kv => kv.Value.ToHashSet());
    }

    private IReadOnlyDictionary<(int Task, long Seq), List<string>> _where = new Dictionary<(int, long), List<string>>();

    /// <summary>
    /// Where each duplicated sequence number's copies are (partition@offset in the topic, file:line in the sink), in runs:
    /// copies of a batch next to each other in the log point at a producer retry, copies far apart at a task that
    /// resumed from an offset older than what it had already sent.
    /// </summary>
    public string DescribeDuplicates(int max = 20) =>
        string.Join("; ", _where.Where(kv => kv.Value.Count > 1).OrderBy(kv => kv.Key.Task).ThenBy(kv => kv.Key.Seq).Take(max)
            .Select(kv => $"{kv.Key.Task}:{kv.Key.Seq} at {string.Join(", ", kv.Value)}"));

    /// <summary>True when this holds every sequence number that <paramref name="other"/> holds up to its maxima (a sink caught up with a topic).</summary>
    public bool Covers(SequenceCheck other) =>
        other.MaxPerTask.All(kv => _present.TryGetValue(kv.Key, out var present) && Enumerable.Range(0, (int)kv.Value + 1).All(i => present.Contains(i)));

    private static Dictionary<int, long> Max(Dictionary<int, List<long>> seen) => seen.ToDictionary(kv => kv.Key, kv => kv.Value.Max());

    private static Dictionary<int, IReadOnlyList<long>> GapsOf(Dictionary<int, List<long>> seen)
    {
        var max = Max(seen);
        var gaps = seen.ToDictionary(kv => kv.Key, kv =>
        {
            var present = kv.Value.ToHashSet();
            return (IReadOnlyList<long>)Enumerable.Range(0, (int)max[kv.Key] + 1).Select(i => (long)i).Where(i => !present.Contains(i)).ToList();
        });
        return gaps;
    }

    private static Dictionary<int, int> DuplicatesOf(Dictionary<int, List<long>> seen) =>
        seen.ToDictionary(kv => kv.Key, kv => kv.Value.Count - kv.Value.Distinct().Count());

    public override string ToString() =>
        string.Join("; ", MaxPerTask.OrderBy(kv => kv.Key).Select(kv => $"task {kv.Key}: max {kv.Value}, gaps {Gaps[kv.Key].Count}, duplicates {Duplicates[kv.Key]}")) +
        (TotalDuplicates > 0 ? $"\nduplicates: {DescribeDuplicates()}" : "") +
        (SecondWriters.Count > 0 ? $"\nsecond writers ({SecondWriters.Count} records): {string.Join("; ", SecondWriters.Take(10))}" : "");
}
