using System.Buffers.Binary;

namespace ActorConnect.Connectors.Postgres;

internal static partial class JavaSerializedKey
{
    /// <summary>Writes a stream as ObjectOutputStream does: class descriptions once, then references to them (handles in order).</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _out = new();
        private readonly Dictionary<string, int> _classes = new();
        private int _handles;

        public Writer()
        {
            Short(Magic);
            Short(Version);
        }

        public int NewHandle() => BaseHandle + _handles++;

        public void Byte(byte value) => _out.WriteByte(value);

        public void Short(short value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteInt16BigEndian(bytes, value);
            _out.Write(bytes);
        }

        public void Int(int value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(bytes, value);
            _out.Write(bytes);
        }

        public void Long(long value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            _out.Write(bytes);
        }

        public void Utf(string text)
        {
            var bytes = ModifiedUtf8(text);
            Short((short)bytes.Length);
            _out.Write(bytes);
        }

        /// <summary>A class description, or a reference to the one written before.</summary>
        public void ClassDesc(JavaClass? type)
        {
            if (type is null)
            {
                Byte(TcNull);
                return;
            }

            if (_classes.TryGetValue(type.Name, out var handle))
            {
                Byte(TcReference);
                Int(handle);
                return;
            }

            Byte(TcClassDesc);
            Utf(type.Name);
            Long(type.SerialVersionUid);
            _classes[type.Name] = NewHandle();
            Byte(type.Flags);
            Short((short)type.Fields.Count);
            foreach (var (code, name) in type.Fields)
            {
                Byte((byte)code);
                Utf(name);
            }

            Byte(TcEndBlockData);
            ClassDesc(type.Super);
        }

        public void Object(JavaClass type, Action<Writer> fields)
        {
            Byte(TcObject);
            ClassDesc(type);
            NewHandle();
            fields(this);
        }

        public void String(string text)
        {
            var bytes = ModifiedUtf8(text);
            NewHandle();
            if (bytes.Length <= ushort.MaxValue)
            {
                Byte(TcString);
                Short(unchecked((short)bytes.Length));
            }
            else
            {
                Byte(TcLongString);
                Long(bytes.Length);
            }

            _out.Write(bytes);
        }

        public byte[] ToArray() => _out.ToArray();

        /// <summary>Java's modified UTF-8: U+0000 as two bytes, a supplementary character as its two surrogates of three bytes each.</summary>
        private static byte[] ModifiedUtf8(string text)
        {
            var bytes = new List<byte>(text.Length);
            foreach (var c in text)
            {
                if (c is >= '\u0001' and <= '\u007F')
                {
                    bytes.Add((byte)c);
                }
                else if (c <= '\u07FF')
                {
                    bytes.Add((byte)(0xC0 | (c >> 6)));
                    bytes.Add((byte)(0x80 | (c & 0x3F)));
                }
                else
                {
                    bytes.Add((byte)(0xE0 | (c >> 12)));
                    bytes.Add((byte)(0x80 | ((c >> 6) & 0x3F)));
                    bytes.Add((byte)(0x80 | (c & 0x3F)));
                }
            }

            return [.. bytes];
        }
    }
}
