namespace ActorConnect.Runtime.Storage;

/// <summary>
/// Compares source partitions by content, so offsets of one partition collapse to the latest without serialising the
/// map for every record (a source usually passes the same instance each time, which the reference check catches first).
/// </summary>
internal sealed class SourcePartitionComparer : IEqualityComparer<IReadOnlyDictionary<string, object?>>
{
    public static readonly SourcePartitionComparer Instance = new();

    public bool Equals(IReadOnlyDictionary<string, object?>? x, IReadOnlyDictionary<string, object?>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }

        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }

        foreach (var (key, value) in x)
        {
            if (!y.TryGetValue(key, out var other) || !Equals(Normalise(value), Normalise(other)))
            {
                return false;
            }
        }

        return true;
    }

    public int GetHashCode(IReadOnlyDictionary<string, object?> obj)
    {
        var hash = 0;
        foreach (var (key, value) in obj)
        {
            hash ^= HashCode.Combine(key, Normalise(value));
        }

        return hash;
    }

    // 1 and 1L are the same offset once written as JSON.
    private static object? Normalise(object? value) => value switch
    {
        int i => (long)i,
        short s => (long)s,
        float f => (double)f,
        _ => value,
    };
}
