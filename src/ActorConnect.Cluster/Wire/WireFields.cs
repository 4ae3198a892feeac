using Google.Protobuf;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// The fields of one cluster message as read from Protocol Buffers' wire format, by field number. Fields this version
/// does not know are kept and never asked for (a newer node's additions); fields it asks for and does not find take
/// their defaults (an older node's message), except those <see cref="RequiredString"/> insists on.
/// </summary>
internal sealed class WireFields
{
    private readonly string _manifest;
    private readonly Dictionary<int, List<object>> _values = new();

    private WireFields(string manifest) => _manifest = manifest;

    public static WireFields Parse(string manifest, byte[] bytes)
    {
        var fields = new WireFields(manifest);
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            object value = WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadUInt64(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes(),
                WireFormat.WireType.Fixed32 => (ulong)input.ReadFixed32(),
                WireFormat.WireType.Fixed64 => input.ReadFixed64(),
                var other => throw new InvalidDataException($"Cluster message {manifest}: field {WireFormat.GetTagFieldNumber(tag)} has wire type {other}, which no ActorConnect version writes"),
            };
            var number = WireFormat.GetTagFieldNumber(tag);
            if (!fields._values.TryGetValue(number, out var list))
            {
                fields._values[number] = list = new List<object>();
            }

            list.Add(value);
        }

        return fields;
    }

    public string? String(int field) => Last<ByteString>(field)?.ToStringUtf8();

    public string RequiredString(int field) => String(field) ?? throw Missing(field);

    /// <summary>The error for a field a message cannot do without.</summary>
    public Exception Missing(int field) =>
        new InvalidDataException($"Cluster message {_manifest} lacks its field {field}: it was written by a version that does not send it, which breaks the rolling-upgrade rule (docs/distributed.md)");

    public IReadOnlyList<string> Strings(int field) => All<ByteString>(field).Select(b => b.ToStringUtf8()).ToList();

    public long Long(int field) => (long)(LastVarint(field) ?? 0);

    public int Int(int field) => (int)Long(field);

    public bool Bool(int field) => (LastVarint(field) ?? 0) != 0;

    public bool Has(int field) => _values.ContainsKey(field);

    public byte[] Bytes(int field) => Last<ByteString>(field)?.ToByteArray() ?? [];

    public WireFields? Message(int field) => Last<ByteString>(field) is { } b ? Parse($"{_manifest}.{field}", b.ToByteArray()) : null;

    public IEnumerable<WireFields> Messages(int field) => All<ByteString>(field).Select(b => Parse($"{_manifest}.{field}", b.ToByteArray()));

    /// <summary>An enum written by <see cref="WireWriter.Enum{T}"/>; null when absent.</summary>
    public T? Enum<T>(int field)
        where T : struct, System.Enum =>
        String(field) switch
        {
            null => null,
            var name when System.Enum.TryParse<T>(name, ignoreCase: true, out var value) => value,
            var name => throw new InvalidDataException($"Cluster message {_manifest}: field {field} is {name}, which this version's {typeof(T).Name} does not know (one of {string.Join(", ", System.Enum.GetNames<T>())})"),
        };

    private ulong? LastVarint(int field) => _values.TryGetValue(field, out var list) ? Typed<ulong>(field, list[^1]) : null;

    private T? Last<T>(int field)
        where T : class =>
        _values.TryGetValue(field, out var list) ? Typed<T>(field, list[^1]) : null;

    private IEnumerable<T> All<T>(int field) =>
        _values.TryGetValue(field, out var list) ? list.Select(v => Typed<T>(field, v)) : [];

    private T Typed<T>(int field, object value) =>
        value is T typed
            ? typed
            : throw new InvalidDataException($"Cluster message {_manifest}: field {field} holds a {(value is ulong ? "number" : "length-delimited value")} where this version expects {(typeof(T) == typeof(ulong) ? "a number" : "a length-delimited value")}: a field's type changed, which breaks the rolling-upgrade rule (docs/distributed.md)");
}
