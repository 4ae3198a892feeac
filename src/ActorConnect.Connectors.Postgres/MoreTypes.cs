using System.Globalization;
using ActorConnect.Api.Data;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// Debezium 2.7's mappings of the types beyond numbers, text and time (PostgresValueConverter): interval, money,
/// bit strings, xml, the geometric types (<see cref="GeometricTypes"/>, as Debezium 3.7 maps them), the extension
/// types hstore / ltree / citext, enums and arrays. A type left without a mapping keeps its text form and is marked <see cref="ColumnType.Unmapped"/> (Debezium would drop the column).
/// </summary>
internal static class MoreTypes
{
    public const string MicroDuration = "io.debezium.time.MicroDuration";
    public const string Interval = "io.debezium.time.Interval";
    public const string Bits = "io.debezium.data.Bits";
    public const string Xml = "io.debezium.data.Xml";
    public const string Ltree = "io.debezium.data.Ltree";
    public const string Enum = "io.debezium.data.Enum";

    /// <summary>A varbit without a length: pgjdbc reports Integer.MAX_VALUE, which Debezium puts in the Bits schema.</summary>
    private const int UnknownLength = int.MaxValue;

    /// <summary>
    /// Arrays Debezium 2.7 does not map (its schemaBuilder returns null for them), and arrays of the geometric types
    /// (box arrays are ';'-delimited, which the array parser does not read): they keep their text form here.
    /// </summary>
    private static readonly HashSet<uint> UnmappedElements =
        [ColumnTypes.Money, ColumnTypes.Name, ColumnTypes.Interval, ColumnTypes.Varbit, ColumnTypes.Bit, ColumnTypes.Xml, ColumnTypes.Point,
         ColumnTypes.Box, ColumnTypes.Lseg, ColumnTypes.Path, ColumnTypes.Polygon, ColumnTypes.Circle, ColumnTypes.Line];

    public static ColumnType For(uint typeOid, int typeModifier, bool optional, PostgresConnectorConfig config, PgTypes types,
        Func<SchemaBuilder, Func<string, object?>, object, ColumnType> make)
    {
        if (GeometricTypes.For(typeOid, optional) is { } geometric)
        {
            return geometric;
        }

        switch (typeOid)
        {
            case ColumnTypes.Interval when config.Intervals == "string":
                return make(SchemaBuilder.String().Name(Interval).Version(1), TextForms.IntervalIso, "P0Y0M0DT0H0M0S");
            case ColumnTypes.Interval:
                return make(SchemaBuilder.Int64().Name(MicroDuration).Version(1), s => TextForms.IntervalMicros(s), 0L);
            case ColumnTypes.Money:
                return MoneyType(optional, config, make);
            case ColumnTypes.Bit or ColumnTypes.Varbit:
                // bit(1) and varbit(1) are booleans; longer ones Bits with the declared length.
                var length = typeModifier < 0 ? (typeOid == ColumnTypes.Bit ? 1 : UnknownLength) : typeModifier;
                return length == 1
                    ? make(SchemaBuilder.Bool(), s => s == "1", false)
                    : make(SchemaBuilder.Bytes().Name(Bits).Version(1).Parameter("length", length.ToString(CultureInfo.InvariantCulture)), s => TextForms.Bits(s),
                        Array.Empty<byte>());
            case ColumnTypes.Xml:
                return make(SchemaBuilder.String().Name(Xml).Version(1), s => s, string.Empty);
        }

        var type = types[typeOid];
        return type switch
        {
            { Name: "citext" or "isbn" or "isbn13" or "issn" or "ean13" } => make(SchemaBuilder.String(), s => s, string.Empty),
            { Name: "ltree" } => make(SchemaBuilder.String().Name(Ltree).Version(1), s => s, string.Empty),
            { Name: "hstore" } when config.Hstore == "map" => make(SchemaBuilder.Map(Schema.StringSchema, Schema.OptionalStringSchema), s => TextForms.ParseHstore(s),
                new Dictionary<string, string?>()),
            { Name: "hstore" } => make(SchemaBuilder.String().Name(ColumnTypes.DebeziumJson).Version(1), TextForms.HstoreJson, "{}"),
            { Kind: 'e', EnumLabels: var labels } => make(EnumSchema(labels), s => s, string.Empty),
            { ElementOid: > 0 } => ArrayType(type, typeModifier, optional, config, types, make),
            _ => Unmapped(type?.Name ?? $"oid {typeOid}", optional),
        };
    }

    private static ColumnType ArrayType(PgType array, int typeModifier, bool optional, PostgresConnectorConfig config, PgTypes types,
        Func<SchemaBuilder, Func<string, object?>, object, ColumnType> make)
    {
        var elementOid = types.Resolve(array.ElementOid);
        var elementType = types[elementOid];
        if (UnmappedElements.Contains(elementOid))
        {
            return Unmapped(array.Name, optional);
        }

        // Debezium's enum arrays have required elements; every other element schema is optional.
        var element = elementType is { Kind: 'e' }
            ? new ColumnType(EnumSchema(elementType.EnumLabels).Build(), s => s, string.Empty)
            : ColumnTypes.For(elementOid, typeModifier, optional: true, config, types);
        if (element.Unmapped is not null || element.Schema.Type is SchemaType.Array)
        {
            return Unmapped(array.Name, optional);
        }

        return make(SchemaBuilder.Array(element.Schema), s => ArrayText.Parse(s).Select(e => e is null ? null : element.Parse(e)).ToList(), new List<object?>());
    }

    private static ColumnType MoneyType(bool optional, PostgresConnectorConfig config, Func<SchemaBuilder, Func<string, object?>, object, ColumnType> make)
    {
        var digits = config.MoneyScale;
        return config.Decimals switch
        {
            "double" => make(SchemaBuilder.Float64(), s => (double)TextForms.ParseMoney(s), 0d),
            "string" => make(SchemaBuilder.String(), s => TextForms.ParseMoney(s).ToString(CultureInfo.InvariantCulture), 0m.ToString("F" + digits, CultureInfo.InvariantCulture)),
            _ => make(LogicalTypes.Decimal(digits), s => Math.Round(TextForms.ParseMoney(s), digits, MidpointRounding.AwayFromZero), decimal.Round(0.00m, digits)),
        };
    }

    private static SchemaBuilder EnumSchema(string? labels) => SchemaBuilder.String().Name(Enum).Version(1).Parameter("allowed", labels ?? string.Empty);

    private static ColumnType Unmapped(string typeName, bool optional) =>
        new((optional ? SchemaBuilder.String().Optional() : SchemaBuilder.String()).Build(), s => s, optional ? null : string.Empty, typeName);
}
