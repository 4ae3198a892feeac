using System.Diagnostics.CodeAnalysis;

namespace ActorConnect.Connectors.File;

/// <summary>
/// The source offset <c>{"position": n}</c> of one line, as a read-only map.
/// </summary>
/// <remarks>
/// Why not a Dictionary: the task creates one offset per line and the runtime reads only the last of a batch, so a
/// hash table per line was most of the task's allocations. This holds the position unboxed until someone reads it.
/// </remarks>
internal sealed class PositionOffset(long position) : IReadOnlyDictionary<string, object?>
{
    public long Position { get; } = position;

    public int Count => 1;

    public IEnumerable<string> Keys => [FileStreamSourceTask.PositionField];

    public IEnumerable<object?> Values => [Position];

    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => key == FileStreamSourceTask.PositionField;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        value = ContainsKey(key) ? Position : null;
        return value is not null;
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return new(FileStreamSourceTask.PositionField, Position);
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"{{{FileStreamSourceTask.PositionField}={Position}}}";
}
