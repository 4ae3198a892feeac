using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// What a transform derives from each input schema (its new schema, or a plan holding it), as Kafka's transforms keep
/// in a synchronized LRU cache of 16: a stream of records usually shares a handful of schemas, so each is derived once,
/// and a schema that drifts ever on cannot grow it without bound. Tasks call a transform from one thread, but the lock
/// keeps a transform shared by mistake correct.
/// </summary>
/// <remarks>
/// A source task hands every record the same schema instance, so the entry last used is checked first, by reference
/// and without the lock: that entry is already the most recently used, so skipping the LRU update changes nothing.
/// </remarks>
internal class SchemaCache<TValue>(int capacity = 16)
{
    private readonly LinkedList<KeyValuePair<Schema, TValue>> _order = new();
    private readonly Dictionary<Schema, LinkedListNode<KeyValuePair<Schema, TValue>>> _entries = new();
    private readonly Lock _lock = new();
    private volatile LastUsed? _last;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public TValue GetOrAdd(Schema key, Func<Schema, TValue> build) => GetOrAdd(key, build, static (s, b) => b(s));

    /// <summary>As <see cref="GetOrAdd(Schema, Func{Schema, TValue})"/>, with a static builder and its state (no closure per call).</summary>
    public TValue GetOrAdd<TState>(Schema key, TState state, Func<Schema, TState, TValue> build)
    {
        if (_last is { } last && ReferenceEquals(last.Key, key))
        {
            return last.Value;
        }

        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                _last = new LastUsed(key, node.Value.Value);
                return node.Value.Value;
            }
        }

        var built = build(key, state);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var raced))
            {
                return raced.Value.Value;
            }

            _entries[key] = _order.AddFirst(new KeyValuePair<Schema, TValue>(key, built));
            if (_entries.Count > capacity)
            {
                var evicted = _order.Last!.Value.Key;
                _entries.Remove(evicted);
                _order.RemoveLast();
            }

            _last = _entries.ContainsKey(key) ? new LastUsed(key, built) : null;
        }

        return built;
    }

    // Key and value in one object, so a reader without the lock sees a matching pair.
    private sealed record LastUsed(Schema Key, TValue Value);
}

/// <summary>The new schema built for each input schema (see <see cref="SchemaCache{TValue}"/>).</summary>
internal sealed class SchemaCache(int capacity = 16) : SchemaCache<Schema>(capacity);
