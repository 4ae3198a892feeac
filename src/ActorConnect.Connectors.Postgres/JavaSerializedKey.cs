using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium's form of an incremental snapshot's keys in the offset (<c>incremental_snapshot_primary_key</c>,
/// <c>incremental_snapshot_maximum_key</c>): the hex of a Java-serialized <c>Object[]</c> of the key's column values,
/// as PgJDBC's <c>getObject</c> returns them (Integer for smallint and integer, Long, String, java.util.UUID, Boolean).
/// Read and written here, so an incremental snapshot Debezium left half done goes on from its last row, and ours can
/// be taken back by Debezium. Only the Java Object Serialization Stream Protocol's parts these values use are read;
/// anything else (BigDecimal, dates) reads as null and the caller falls back.
/// </summary>
internal static class JavaSerializedKey
{
    private const short Magic = unchecked((short)0xACED);
    private const short Version = 5;
    private const byte TcNull = 0x70, TcReference = 0x71, TcClassDesc = 0x72, TcObject = 0x73, TcString = 0x74, TcArray = 0x75, TcEndBlockData = 0x78, TcLongString = 0x7C;
    private const byte ScSerializable = 0x02, ScWriteMethod = 0x01;
    private const int BaseHandle = 0x7E0000;

    private static readonly JavaClass ObjectArray = new("[Ljava.lang.Object;", unchecked((long)0x90CE589F1073296CUL), [], null);
    private static readonly JavaClass Number = new("java.lang.Number", unchecked((long)0x86AC951D0B94E08BUL), [], null);
    private static readonly JavaClass Integer = new("java.lang.Integer", 0x12E2A0A4F7818738L, [('I', "value")], Number);
    private static readonly JavaClass Long = new("java.lang.Long", 0x3B8BE490CC8F23DFL, [('J', "value")], Number);
    private static readonly JavaClass Uuid = new("java.util.UUID", unchecked((long)0xBC9903F7986D852FUL), [('J', "leastSigBits"), ('J', "mostSigBits")], null);
    private static readonly JavaClass Boolean = new("java.lang.Boolean", unchecked((long)0xCD207280D59CFAEEUL), [('Z', "value")], null);

    /// <summary>True for text that is the hex of a Java serialization stream (it starts with the stream's magic).</summary>
    public static bool Looks(string text) => text.StartsWith("aced0005", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The hex Debezium writes for a key of these text forms (null values allowed) whose columns have these PostgreSQL
    /// types (format_type); null when a type has no Java form here.
    /// </summary>
    public static string? Write(IReadOnlyList<string?> key, IReadOnlyList<string> pgTypes)
    {
        if (key.Count != pgTypes.Count || pgTypes.Any(t => ClassOf(t) is null))
        {
            return null;
        }

        var writer = new Writer();
        writer.Byte(TcArray);
        writer.ClassDesc(ObjectArray);
        writer.NewHandle();
        writer.Int(key.Count);
        for (var i = 0; i < key.Count; i++)
        {
            if (key[i] is not { } text)
            {
                writer.Byte(TcNull);
                continue;
            }

            var type = ClassOf(pgTypes[i])!;
            if (type == Uuid.Name)
            {
                var hex = Guid.Parse(text).ToString("N");
                writer.Object(Uuid, w =>
                {
                    w.Long(long.Parse(hex[16..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    w.Long(long.Parse(hex[..16], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                });
            }
            else if (type == Integer.Name)
            {
                writer.Object(Integer, w => w.Int(int.Parse(text, CultureInfo.InvariantCulture)));
            }
            else if (type == Long.Name)
            {
                writer.Object(Long, w => w.Long(long.Parse(text, CultureInfo.InvariantCulture)));
            }
            else if (type == Boolean.Name)
            {
                writer.Object(Boolean, w => w.Byte(text is "t" or "true" ? (byte)1 : (byte)0));
            }
            else
            {
                writer.String(text);
            }
        }

        return Convert.ToHexStringLower(writer.ToArray());
    }

    /// <summary>The key's values as text forms (as the chunk queries take them); null when the hex is not a key this reads.</summary>
    public static IReadOnlyList<string?>? Read(string hex)
    {
        try
        {
            var reader = new Reader(Convert.FromHexString(hex));
            if (reader.Short() != Magic || reader.Short() != Version || reader.Byte() != TcArray)
            {
                return null;
            }

            var arrayClass = reader.ClassDescOrReference();
            if (arrayClass?.Name != ObjectArray.Name)
            {
                return null;
            }

            reader.NewHandle(null);
            var values = new string?[reader.Int()];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.Value();
            }

            return reader.AtEnd ? values : null;
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException or OverflowException)
        {
            return null;
        }
    }

    private static string? ClassOf(string pgType) => pgType switch
    {
        "smallint" or "integer" => Integer.Name,
        "bigint" => Long.Name,
        "uuid" => Uuid.Name,
        "boolean" => Boolean.Name,
        "text" or "citext" or "name" => "java.lang.String",
        _ when pgType.StartsWith("character", StringComparison.Ordinal) => "java.lang.String",
        _ => null,
    };

    /// <summary>A class description: its fields (type code, name) in stream order, and its superclass.</summary>
    private sealed record JavaClass(string Name, long SerialVersionUid, IReadOnlyList<(char Type, string Name)> Fields, JavaClass? Super, byte Flags = ScSerializable);

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
