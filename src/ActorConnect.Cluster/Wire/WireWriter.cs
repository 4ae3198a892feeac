using Google.Protobuf;

namespace ActorConnect.Cluster.Wire;

/// <summary>
/// Writes one cluster message's fields in Protocol Buffers' wire format: each value tagged with its field number, so a
/// reader skips the fields it does not know and gives the ones it misses their defaults. A null or default value is
/// left out, as protobuf does.
/// </summary>
internal sealed class WireWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _out;

    public WireWriter() => _out = new CodedOutputStream(_buffer, leaveOpen: true);

    public WireWriter String(int field, string? value)
    {
        if (value is not null)
        {
            _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
            _out.WriteString(value);
        }

        return this;
    }

    public WireWriter Strings(int field, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            String(field, value);
        }

        return this;
    }

    public WireWriter Int(int field, long value)
    {
        if (value != 0)
        {
            _out.WriteTag(field, WireFormat.WireType.Varint);
            _out.WriteInt64(value);
        }

        return this;
    }

    public WireWriter Bool(int field, bool value) => Int(field, value ? 1 : 0);

    public WireWriter Bytes(int field, byte[] value)
    {
        _out.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _out.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    /// <summary>A nested message: written even when empty, so that its presence (a non-null value) is kept.</summary>
    public WireWriter Message(int field, Action<WireWriter> write)
    {
        var nested = new WireWriter();
        write(nested);
        return Bytes(field, nested.ToArray());
    }

    /// <summary>An enum by its member name in capitals, as the internal topics and the REST API spell it.</summary>
    public WireWriter Enum<T>(int field, T? value)
        where T : struct, System.Enum =>
        String(field, value?.ToString().ToUpperInvariant());

    public byte[] ToArray()
    {
        _out.Flush();
        return _buffer.ToArray();
    }
}
