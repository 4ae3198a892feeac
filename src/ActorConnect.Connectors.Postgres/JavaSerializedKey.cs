using System.Globalization;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium's form of an incremental snapshot's keys in the offset (<c>incremental_snapshot_primary_key</c>,
/// <c>incremental_snapshot_maximum_key</c>): the hex of a Java-serialized <c>Object[]</c> of the key's column values,
/// as PgJDBC's <c>getObject</c> returns them (Integer for smallint and integer, Long, String, java.util.UUID, Boolean).
/// Read and written here, so an incremental snapshot Debezium left half done goes on from its last row, and ours can
/// be taken back by Debezium. Only the Java Object Serialization Stream Protocol's parts these values use are read;
/// anything else (BigDecimal, dates) reads as null and the caller falls back.
/// </summary>
internal static partial class JavaSerializedKey
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
}
