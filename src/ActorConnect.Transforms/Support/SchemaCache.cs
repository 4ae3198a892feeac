using ActorConnect.Api.Data;

namespace ActorConnect.Transforms.Support;

/// <summary>
/// The new schema built for each input schema, as Kafka's transforms keep in a synchronized LRU cache of 16:
/// a stream of records usually shares a handful of schemas, so each is rebuilt once, and a schema that drifts
/// ever on cannot grow it without bound. Tasks call a transform from one thread, but the lock keeps a transform
/// shared by mistake correct.
/// </summary>
internal sealed class SchemaCache(int capacity = 16)
{
    private readonly LinkedList<KeyValuePair<Schema, Schema>> _order = new();
    private readonly Dictionary<Schema, LinkedListNode<KeyValuePair<Schema, Schema>>> _entries = new();
    private readonly Lock _lock = new();

    public Schema GetOrAdd(Schema key, Func<Schema, Schema> build)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                return node.Value.Value;
            }
        }

        var built = build(key);
        lock (_lock)
        {
            if (!_entries.ContainsKey(key))
            {
                _entries[key] = _order.AddFirst(new KeyValuePair<Schema, Schema>(key, built));
                if (_entries.Count > capacity)
                {
                    _entries.Remove(_order.Last!.Value.Key);
                    _order.RemoveLast();
                }
            }
        }

        return built;
    }

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
}
