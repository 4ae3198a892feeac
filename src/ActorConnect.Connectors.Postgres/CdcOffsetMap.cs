using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// A record's offset (<see cref="CdcOffset.ToMap"/>'s entries, in its order) without a dictionary per record: the
/// records of one transaction differ only in their LSN, so each holds its LSN and shares the transaction's other
/// entries, boxed once. A dictionary, its entries and five boxed numbers per change were a fifth of the bytes the
/// stream allocated; the runtime reads an offset only when it stores the last acknowledged one.
/// </summary>
internal sealed class CdcOffsetMap : IReadOnlyDictionary<string, object?>
{
    private readonly KeyValuePair<string, object?>[] _shared;

    /// <summary>An offset of <paramref name="lsn"/> and the <paramref name="shared"/> entries (<see cref="Shared"/>).</summary>
    public CdcOffsetMap(long lsn, KeyValuePair<string, object?>[] shared)
    {
        Lsn = lsn;
        _shared = shared;
    }

    /// <summary>The change's LSN, unboxed.</summary>
    public long Lsn { get; }

    /// <inheritdoc />
    public int Count => _shared.Length + 1;

    /// <inheritdoc />
    public IEnumerable<string> Keys => this.Select(kv => kv.Key);

    /// <inheritdoc />
    public IEnumerable<object?> Values => this.Select(kv => kv.Value);

    /// <inheritdoc />
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The offset has no '{key}'.");

    /// <summary>The entries of <paramref name="offset"/>'s map other than its LSN, for the offsets sharing them.</summary>
    public static KeyValuePair<string, object?>[] Shared(CdcOffset offset) => offset.ToMap().Where(kv => kv.Key != CdcOffset.LsnKey).ToArray();

    /// <summary>The LSN of a record's offset (this map's without boxing it).</summary>
    public static long LsnOf(IReadOnlyDictionary<string, object?> offset) => offset is CdcOffsetMap map ? map.Lsn : (long)offset[CdcOffset.LsnKey]!;

    /// <summary>The same offset at another LSN.</summary>
    public CdcOffsetMap WithLsn(long lsn) => new(lsn, _shared);

    /// <inheritdoc />
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        if (key == CdcOffset.LsnKey)
        {
            value = Lsn;
            return true;
        }

        foreach (var entry in _shared)
        {
            if (entry.Key == key)
            {
                value = entry.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return new KeyValuePair<string, object?>(CdcOffset.LsnKey, Lsn);
        foreach (var entry in _shared)
        {
            yield return entry;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
