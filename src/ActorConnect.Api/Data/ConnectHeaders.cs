using System.Collections;

namespace ActorConnect.Api.Data;

/// <summary>A record header: a key, its schema (null when unknown) and its value.</summary>
/// <param name="Key">The header key; keys may repeat.</param>
/// <param name="Schema">The schema of the value, or null.</param>
/// <param name="Value">The value.</param>
public sealed record Header(string Key, Schema? Schema, object? Value);

/// <summary>
/// The ordered headers of a record; keys may repeat, as in Kafka. Immutable: adding returns a new instance,
/// so a record can be copied by a transform without the copies changing each other.
/// </summary>
public sealed class ConnectHeaders : IReadOnlyList<Header>
{
    private readonly Header[] _headers;

    /// <summary>No headers.</summary>
    public static readonly ConnectHeaders Empty = new(Array.Empty<Header>());

    /// <summary>Creates headers from a sequence.</summary>
    public ConnectHeaders(IEnumerable<Header> headers) => _headers = headers.ToArray();

    /// <inheritdoc />
    public int Count => _headers.Length;

    /// <inheritdoc />
    public Header this[int index] => _headers[index];

    /// <summary>Returns new headers with one more at the end.</summary>
    public ConnectHeaders Add(Header header) => new(_headers.Append(header));

    /// <summary>Returns new headers with a string header at the end.</summary>
    public ConnectHeaders AddString(string key, string? value) => Add(new Header(key, Schema.OptionalStringSchema, value));

    /// <summary>Returns new headers without any header of that key.</summary>
    public ConnectHeaders Remove(string key) => new(_headers.Where(h => h.Key != key));

    /// <summary>The last header with the key, or null.</summary>
    public Header? LastWithName(string key) => _headers.LastOrDefault(h => h.Key == key);

    /// <summary>All headers with the key, in order.</summary>
    public IEnumerable<Header> AllWithName(string key) => _headers.Where(h => h.Key == key);

    /// <inheritdoc />
    public IEnumerator<Header> GetEnumerator() => ((IEnumerable<Header>)_headers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
