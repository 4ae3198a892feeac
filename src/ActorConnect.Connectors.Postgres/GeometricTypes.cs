using System.Buffers.Binary;
using System.Globalization;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// PostgreSQL's built-in geometric types as Debezium maps them (PostgresValueConverter; point since 1.x, the others
/// since 3.7, debezium/dbz#2135): point as <c>io.debezium.data.geometry.Point</c>; box, lseg, path and polygon as
/// <c>io.debezium.data.geometry.Geometry</c> (version 2: WKB, no SRID, and an <c>extensions</c> map naming the native
/// type, plus <c>closed</c> for a path, which WKB cannot say); circle as <c>io.debezium.data.geometry.Circle</c>
/// {center Point, radius}; line as <c>io.debezium.data.geometry.Line</c> {a, b, c} (Ax + By + C = 0). WKB has no curve
/// and no infinite line, hence the last two. Values are read from the types' text forms, which pgoutput and the
/// snapshot's column::text both give.
/// </summary>
internal static class GeometricTypes
{
    public const string Point = "io.debezium.data.geometry.Point";
    public const string Geometry = "io.debezium.data.geometry.Geometry";
    public const string Circle = "io.debezium.data.geometry.Circle";
    public const string Line = "io.debezium.data.geometry.Line";

    private const int WkbLineString = 2, WkbPolygon = 3;

    private static readonly Schema PointSchema = PointBuilder().Build();

    // Debezium's Geometry, Circle and Line builders are optional themselves, so even a NOT NULL column's field is optional.
    private static readonly Schema GeometrySchema = SchemaBuilder.Struct().Name(Geometry).Version(2).Doc("Geometry").Optional()
        .Field("wkb", Schema.BytesSchema).Field("srid", Schema.OptionalInt32Schema)
        .Field("extensions", SchemaBuilder.Map(Schema.StringSchema, Schema.StringSchema).Optional().Build())
        .Build();

    private static readonly Schema CircleSchema = SchemaBuilder.Struct().Name(Circle).Version(1).Doc("Geometry (CIRCLE)").Optional()
        .Field("center", PointSchema).Field("radius", Schema.Float64Schema)
        .Build();

    private static readonly Schema LineSchema = SchemaBuilder.Struct().Name(Line).Version(1).Doc("Geometry (LINE)").Optional()
        .Field("a", Schema.Float64Schema).Field("b", Schema.Float64Schema).Field("c", Schema.Float64Schema)
        .Build();

    /// <summary>The column type of a geometric type OID; null for any other type.</summary>
    public static ColumnType? For(uint typeOid, bool optional)
    {
        switch (typeOid)
        {
            case ColumnTypes.Point:
                var schema = optional ? PointBuilder().Optional().Build() : PointSchema;
                return new ColumnType(schema, s => PointValue(schema, s), optional ? null : PointValue(schema, "(0,0)"));
            case ColumnTypes.Box:
                return Geometric(BoxValue, optional, "(0,0),(0,0)");
            case ColumnTypes.Lseg:
                return Geometric(LsegValue, optional, "[(0,0),(0,0)]");
            case ColumnTypes.Path:
                // Debezium's NOT NULL fallbacks: a path or polygon of one point at the origin.
                return Geometric(PathValue, optional, "[(0,0)]");
            case ColumnTypes.Polygon:
                return Geometric(PolygonValue, optional, "((0,0))");
            case ColumnTypes.Circle:
                return Geometric(CircleValue, optional, "<(0,0),0>");
            case ColumnTypes.Line:
                // PostgreSQL has no line with A and B both zero: Debezium's fallback is the x axis.
                return Geometric(LineValue, optional, "{0,1,0}");
            default:
                return null;
        }
    }

    /// <summary>Debezium's Point schema (required): x, y, its WKB and an SRID (never set here).</summary>
    private static SchemaBuilder PointBuilder() => SchemaBuilder.Struct().Name(Point).Version(1).Doc("Geometry (POINT)")
        .Field("x", Schema.Float64Schema).Field("y", Schema.Float64Schema)
        .Field("wkb", Schema.OptionalBytesSchema).Field("srid", Schema.OptionalInt32Schema);

    private static ColumnType Geometric(Func<string, Struct> parse, bool optional, string fallback) =>
        new(parse(fallback).Schema, s => parse(s), optional ? null : parse(fallback));

    private static Struct PointValue(Schema schema, string text)
    {
        var (x, y) = TextForms.ParsePoint(text);
        return new Struct(schema).Put("x", x).Put("y", y).Put("wkb", TextForms.PointWkb(x, y));
    }

    /// <summary>"(x1,y1),(x2,y2)": the closed ring of its corners, from the first as written.</summary>
    private static Struct BoxValue(string text)
    {
        var n = Numbers(text, "box", count => count == 4);
        double[] ring = [n[0], n[1], n[0], n[3], n[2], n[3], n[2], n[1], n[0], n[1]];
        return GeometryValue(Wkb(WkbPolygon, ring), "box");
    }

    /// <summary>"[(x1,y1),(x2,y2)]": a line string of its two ends.</summary>
    private static Struct LsegValue(string text) => GeometryValue(Wkb(WkbLineString, Numbers(text, "lseg", count => count == 4)), "lseg");

    /// <summary>"[(x1,y1),...]" (open) or "((x1,y1),...)" (closed): a line string, with whether it is closed.</summary>
    private static Struct PathValue(string text)
    {
        var n = Numbers(text, "path", count => count >= 2 && count % 2 == 0);
        var closed = text.TrimStart().StartsWith('(');
        return GeometryValue(Wkb(WkbLineString, n), "path", closed ? "true" : "false");
    }

    /// <summary>"((x1,y1),...)": one ring, closed by repeating its first point unless the text does.</summary>
    private static Struct PolygonValue(string text)
    {
        var n = Numbers(text, "polygon", count => count >= 2 && count % 2 == 0);
        if (n.Length >= 4 && (n[0] != n[^2] || n[1] != n[^1]))
        {
            n = [.. n, n[0], n[1]];
        }

        return GeometryValue(Wkb(WkbPolygon, n), "polygon");
    }

    /// <summary>"&lt;(x,y),r&gt;".</summary>
    private static Struct CircleValue(string text)
    {
        var n = Numbers(text, "circle", count => count == 3);
        return new Struct(CircleSchema).Put("center", new Struct(PointSchema).Put("x", n[0]).Put("y", n[1]).Put("wkb", TextForms.PointWkb(n[0], n[1])))
            .Put("radius", n[2]);
    }

    /// <summary>"{A,B,C}".</summary>
    private static Struct LineValue(string text)
    {
        var n = Numbers(text, "line", count => count == 3);
        return new Struct(LineSchema).Put("a", n[0]).Put("b", n[1]).Put("c", n[2]);
    }

    private static Struct GeometryValue(byte[] wkb, string type, string? closed = null)
    {
        var extensions = new Dictionary<string, string> { ["type"] = type };
        if (closed is not null)
        {
            extensions["closed"] = closed;
        }

        return new Struct(GeometrySchema).Put("wkb", wkb).Put("extensions", extensions);
    }

    /// <summary>
    /// Little-endian OGC WKB without an SRID, as Debezium writes it: a line string of the points, or a polygon of one
    /// ring of them.
    /// </summary>
    private static byte[] Wkb(int type, double[] coordinates)
    {
        var rings = type == WkbPolygon ? 1 : 0;
        var wkb = new byte[1 + 4 + (rings * 4) + 4 + (coordinates.Length * 8)];
        wkb[0] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(1), type);
        var at = 5;
        if (rings == 1)
        {
            BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(at), 1);
            at += 4;
        }

        BinaryPrimitives.WriteInt32LittleEndian(wkb.AsSpan(at), coordinates.Length / 2);
        at += 4;
        foreach (var c in coordinates)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(wkb.AsSpan(at), c);
            at += 8;
        }

        return wkb;
    }

    /// <summary>The numbers of a geometric value's text in their order (the brackets only group them).</summary>
    private static double[] Numbers(string text, string type, Func<int, bool> countFits)
    {
        var parts = text.Split(['(', ')', '[', ']', '{', '}', '<', '>', ',', ' '], StringSplitOptions.RemoveEmptyEntries);
        var numbers = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
            {
                throw new DataException($"'{text}' is not a {type}: '{parts[i]}' is not a number.");
            }
        }

        return countFits(numbers.Length) ? numbers : throw new DataException($"'{text}' is not a {type}: {numbers.Length} numbers.");
    }
}
