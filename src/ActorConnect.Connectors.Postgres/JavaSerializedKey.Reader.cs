using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ActorConnect.Connectors.Postgres;

internal static partial class JavaSerializedKey
{
    /// <summary>Reads the parts of a stream a key's values use: an Object[] of boxed numbers, booleans, UUIDs and strings.</summary>
    private sealed class Reader(byte[] bytes)
    {
        private readonly List<object?> _handles = new();
        private int _at;

        public bool AtEnd => _at == bytes.Length;

        public void NewHandle(object? value) => _handles.Add(value);

        public byte Byte() => _at < bytes.Length ? bytes[_at++] : throw new InvalidDataException("truncated");

        public short Short() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

        public int Int() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        /// <summary>One array element: null, a string, a boxed value of a class read here, or a reference to one.</summary>
        public string? Value()
        {
            switch (Byte())
            {
                case TcNull:
                    return null;
                case TcReference:
                    return Handle(Int()) as string ?? throw new InvalidDataException("a reference to something that is not a value");
                case TcString:
                    return Registered(Text(unchecked((ushort)Short())));
                case TcLongString:
                    return Registered(Text(checked((int)Long())));
                case TcObject:
                    var type = ClassDescOrReference() ?? throw new InvalidDataException("an object without a class");
                    var value = ObjectValue(type);
                    NewHandle(value);
                    return value;
                default:
                    throw new InvalidDataException("an element this reader does not know");
            }
        }

        public JavaClass? ClassDescOrReference()
        {
            switch (Byte())
            {
                case TcNull:
                    return null;
                case TcReference:
                    return Handle(Int()) as JavaClass ?? throw new InvalidDataException("a reference to something that is not a class");
                case TcClassDesc:
                    var name = Text(unchecked((ushort)Short()));
                    var uid = Long();
                    var index = _handles.Count;
                    NewHandle(null);
                    var flags = Byte();
                    var fields = new List<(char, string)>();
                    for (var count = Short(); count > 0; count--)
                    {
                        var code = (char)Byte();
                        var field = Text(unchecked((ushort)Short()));
                        if (code is 'L' or '[')
                        {
                            throw new InvalidDataException("an object field");
                        }

                        fields.Add((code, field));
                    }

                    if (Byte() != TcEndBlockData)
                    {
                        throw new InvalidDataException("class annotations");
                    }

                    var type = new JavaClass(name, uid, fields, ClassDescOrReference(), flags);
                    _handles[index] = type;
                    return type;
                default:
                    throw new InvalidDataException("not a class description");
            }
        }

        private string ObjectValue(JavaClass type)
        {
            // A class's data comes after its superclasses'; a class with its own writeObject may add block data.
            var chain = new List<JavaClass>();
            for (var c = type; c is not null; c = c.Super)
            {
                if ((c.Flags & ScWriteMethod) != 0)
                {
                    throw new InvalidDataException("custom serialized data");
                }

                chain.Insert(0, c);
            }

            var values = new Dictionary<string, long>();
            foreach (var (code, name) in chain.SelectMany(c => c.Fields))
            {
                values[name] = code switch
                {
                    'B' or 'Z' => (sbyte)Byte(),
                    'S' or 'C' => Short(),
                    'I' => Int(),
                    'J' => Long(),
                    _ => throw new InvalidDataException("a field type this reader does not know"),
                };
            }

            return type.Name switch
            {
                "java.lang.Integer" or "java.lang.Long" or "java.lang.Short" or "java.lang.Byte" => values["value"].ToString(CultureInfo.InvariantCulture),
                "java.lang.Boolean" => values["value"] != 0 ? "true" : "false",
                "java.util.UUID" => $"{values["mostSigBits"]:x16}{values["leastSigBits"]:x16}" is var hex
                    ? $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}"
                    : "",
                _ => throw new InvalidDataException("a class this reader does not know"),
            };
        }

        private object? Handle(int handle) => _handles[handle - BaseHandle];

        private ReadOnlySpan<byte> Take(int count)
        {
            if (_at + count > bytes.Length)
            {
                throw new InvalidDataException("truncated");
            }

            _at += count;
            return bytes.AsSpan(_at - count, count);
        }

        private string Text(int length)
        {
            var span = Take(length);
            var text = new StringBuilder(length);
            for (var i = 0; i < span.Length;)
            {
                var b = span[i];
                if (b < 0x80)
                {
                    text.Append((char)b);
                    i++;
                }
                else if ((b & 0xE0) == 0xC0)
                {
                    text.Append((char)(((b & 0x1F) << 6) | (span[i + 1] & 0x3F)));
                    i += 2;
                }
                else
                {
                    text.Append((char)(((b & 0x0F) << 12) | ((span[i + 1] & 0x3F) << 6) | (span[i + 2] & 0x3F)));
                    i += 3;
                }
            }

            return text.ToString();
        }

        private string Registered(string text)
        {
            NewHandle(text);
            return text;
        }
    }
}
