using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Converters;
using FsCheck;
using FsCheck.Fluent;

namespace ActorConnect.Converters.Tests;

/// <summary>A schema and a value that fits it, as a connector could hand them to a converter.</summary>
public sealed record SchemaCase(Schema Schema, object Value)
{
    public override string ToString()
    {
        try
        {
            var converter = new JsonConverter();
            converter.Configure(new Dictionary<string, string> { ["schemas.cache.size"] = "0" }, false);
            return Encoding.UTF8.GetString(converter.FromConnectData("t", ConnectHeaders.Empty, Schema, Value)!);
        }
        catch (Exception e)
        {
            return $"{Schema} / {Value} ({e.Message})";
        }
    }
}

/// <summary>A schemaless value (what plain JSON reads as): null, bool, long, double, string, lists and string-keyed maps.</summary>
public sealed record PlainValue(object? Value)
{
    public override string ToString() => Value is null ? "null" : System.Text.Json.JsonSerializer.Serialize(Value);
}

/// <summary>FsCheck generators of Connect schemas (nested struct/array/map, optional, defaults, logical types) and matching values.</summary>
public static class ConnectGenerators
{
    private const int MinDay = -719162;       // 0001-01-01
    private const int MaxDay = 2932896;       // 9999-12-31
    private const int MillisPerDay = 86400000;

    private static readonly Gen<bool> Bool = Gen.Elements(true, false);

    private static readonly Gen<int> Int32Gen = Gen.Frequency(
        (1, Gen.Elements(int.MinValue, int.MaxValue, 0, -1, 1)),
        (3, Gen.Choose(-1000, 1000)),
        (3, from hi in Gen.Choose(0, 0xFFFF) from lo in Gen.Choose(0, 0xFFFF) select (hi << 16) | lo));

    private static readonly Gen<long> Int64Gen = Gen.Frequency(
        (1, Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 4398046511104L)),
        (2, Int32Gen.Select(i => (long)i)),
        (3, from hi in Int32Gen from lo in Int32Gen select ((long)hi << 32) | (uint)lo));

    private static readonly Gen<double> DoubleGen = Gen.Frequency(
        (1, Gen.Elements(0.0, -0.0, 1.0, -1.5, 0.1, 1e20, double.MaxValue, double.MinValue, double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity)),
        (2, Gen.Choose(-1000000, 1000000).Select(i => i / 1000.0)),
        (3, Int64Gen.Select(BitConverter.Int64BitsToDouble)));

    private static readonly Gen<float> FloatGen = Gen.Frequency(
        (1, Gen.Elements(0f, -0f, 1f, 0.1f, float.MaxValue, float.Epsilon, float.NaN, float.PositiveInfinity, float.NegativeInfinity)),
        (2, Gen.Choose(-100000, 100000).Select(i => i / 100f)),
        (3, Int32Gen.Select(BitConverter.Int32BitsToSingle)));

    private static readonly Gen<int> CodePoint = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7E)),
        (1, Gen.Choose(0, 0x1F)),
        (2, Gen.Choose(0x80, 0xD7FF)),
        (1, Gen.Choose(0xE000, 0x10FFFF)));

    private static readonly Gen<string> StringGen = Gen.Frequency(
        (1, Gen.Elements("", "a", "héllo", "quote\"back\\slash", "tab\tnew\nline", "\0nul", "emoji 😀", "<script>&'+", "NaN")),
        (4, from n in Gen.Choose(0, 12) from cps in CodePoint.ArrayOf(n) select string.Concat(cps.Select(char.ConvertFromUtf32))));

    private static readonly Gen<byte[]> BytesGen =
        from n in Gen.Choose(0, 20) from bs in Gen.Choose(0, 255).ArrayOf(n) select bs.Select(b => (byte)b).ToArray();

    /// <summary>Random schemas with values; size bounds the nesting.</summary>
    public static Arbitrary<SchemaCase> SchemaCases() =>
        Arb.From(Gen.Sized(size => SchemaGen(Math.Min(3, size / 20)))
            .SelectMany(schema => NonNullValue(schema), (schema, value) => new SchemaCase(schema, value)));

    /// <summary>Random schemaless values.</summary>
    public static Arbitrary<PlainValue> PlainValues() => Arb.From(Gen.Sized(size => PlainGen(Math.Min(3, size / 20))).Select(v => new PlainValue(v)));

    /// <summary>Random decimals with a Decimal scale that holds them exactly.</summary>
    public static Arbitrary<(decimal Value, int Scale)> Decimals() => Arb.From(
        from scale in Gen.Choose(0, 28)
        from value in DecimalGen(scale)
        select (value, scale));

    public static Gen<Schema> SchemaGen(int depth) => depth <= 0
        ? LeafSchema
        : Gen.Frequency((3, LeafSchema), (1, ArraySchema(depth)), (1, MapSchema(depth)), (2, StructSchema(depth)));

    private static readonly Gen<(string? Name, int? Version, string? Doc, (string, string)[] Parameters)> Meta =
        from hasName in Gen.Choose(0, 3)
        from name in StringGen
        from version in Gen.Choose(-1, 5)
        from hasDoc in Gen.Choose(0, 3)
        from doc in StringGen
        from parameterCount in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
        from keys in StringGen.ArrayOf(parameterCount)
        from values in StringGen.ArrayOf(parameterCount)
        select (hasName == 0 ? "com.acme." + name : null, version < 0 ? (int?)null : version, hasDoc == 0 ? doc : null,
            keys.Select((k, i) => (k + i, values[i])).ToArray());

    private static SchemaBuilder Decorate(SchemaBuilder builder, bool optional, (string? Name, int? Version, string? Doc, (string, string)[] Parameters) meta, bool logical)
    {
        if (optional)
        {
            builder.Optional();
        }

        if (!logical && meta.Name is { } name)
        {
            builder.Name(name);
        }

        if (!logical && meta.Version is { } version)
        {
            builder.Version(version);
        }

        if (meta.Doc is { } doc)
        {
            builder.Doc(doc);
        }

        foreach (var (key, value) in meta.Parameters)
        {
            if (key != LogicalTypes.ScaleField)
            {
                builder.Parameter(key, value);
            }
        }

        return builder;
    }

    private static SchemaBuilder LeafBuilder(int kind, int scale) => kind switch
    {
        0 => SchemaBuilder.Int8(),
        1 => SchemaBuilder.Int16(),
        2 => SchemaBuilder.Int32(),
        3 => SchemaBuilder.Int64(),
        4 => SchemaBuilder.Float32(),
        5 => SchemaBuilder.Float64(),
        6 => SchemaBuilder.Bool(),
        7 => SchemaBuilder.String(),
        8 => SchemaBuilder.Bytes(),
        9 => LogicalTypes.Decimal(scale),
        10 => LogicalTypes.Date(),
        11 => LogicalTypes.Time(),
        _ => LogicalTypes.Timestamp(),
    };

    private static readonly Gen<Schema> LeafSchema =
        from kind in Gen.Choose(0, 12)
        from scale in Gen.Choose(0, 10)
        from optional in Bool
        from meta in Meta
        from defaultRoll in Gen.Choose(0, 4)
        let plain = Decorate(LeafBuilder(kind, scale), optional, meta, kind >= 9).Build()
        from defaultValue in defaultRoll == 0 ? NonNullValue(plain).Select(v => (object?)v) : Gen.Constant<object?>(null)
        select defaultValue is null ? plain : Decorate(LeafBuilder(kind, scale), optional, meta, kind >= 9).DefaultValue(defaultValue).Build();

    private static Gen<Schema> ArraySchema(int depth) =>
        from items in SchemaGen(depth - 1)
        from optional in Bool
        from meta in Meta
        select Decorate(SchemaBuilder.Array(items), optional, meta, false).Build();

    private static Gen<Schema> MapSchema(int depth) =>
        from keys in LeafSchema.Where(s => s.Type != SchemaType.Bytes || LogicalTypes.IsDecimal(s))
        from values in SchemaGen(depth - 1)
        from optional in Bool
        from meta in Meta
        select Decorate(SchemaBuilder.Map(keys, values), optional, meta, false).Build();

    private static Gen<Schema> StructSchema(int depth) =>
        from count in Gen.Choose(0, 5)
        from names in StringGen.ArrayOf(count)
        from fields in SchemaGen(depth - 1).ArrayOf(count)
        from optional in Bool
        from meta in Meta
        select BuildStruct(names, fields, optional, meta);

    private static Schema BuildStruct(string[] names, Schema[] fields, bool optional, (string? Name, int? Version, string? Doc, (string, string)[] Parameters) meta)
    {
        var builder = SchemaBuilder.Struct();
        for (var i = 0; i < names.Length; i++)
        {
            builder.Field(names[i] + "#" + i, fields[i]);
        }

        return Decorate(builder, optional, meta, false).Build();
    }

    /// <summary>A value for the schema; null only where the schema allows it and has no default (a null would read back as the default).</summary>
    public static Gen<object?> ValueOrNull(Schema schema) => schema.IsOptional && schema.DefaultValue is null
        ? Gen.Frequency((1, Gen.Constant<object?>(null)), (4, NonNullValue(schema).Select(v => (object?)v)))
        : NonNullValue(schema).Select(v => (object?)v);

    public static Gen<object> NonNullValue(Schema schema)
    {
        if (LogicalTypes.IsDecimal(schema))
        {
            return DecimalGen(LogicalTypes.ScaleOf(schema)).Select(d => (object)d);
        }

        if (LogicalTypes.IsDate(schema))
        {
            return Gen.Choose(MinDay, MaxDay).Select(d => (object)LogicalTypes.DateFromDays(d));
        }

        if (LogicalTypes.IsTime(schema))
        {
            return Gen.Choose(0, MillisPerDay - 1).Select(ms => (object)LogicalTypes.TimeFromMillis(ms));
        }

        if (LogicalTypes.IsTimestamp(schema))
        {
            return from day in Gen.Choose(MinDay, MaxDay)
                   from ms in Gen.Choose(0, MillisPerDay - 1)
                   select (object)LogicalTypes.TimestampFromMillis((long)day * MillisPerDay + ms);
        }

        return schema.Type switch
        {
            SchemaType.Int8 => Gen.Choose(sbyte.MinValue, sbyte.MaxValue).Select(i => (object)(sbyte)i),
            SchemaType.Int16 => Gen.Choose(short.MinValue, short.MaxValue).Select(i => (object)(short)i),
            SchemaType.Int32 => Int32Gen.Select(i => (object)i),
            SchemaType.Int64 => Int64Gen.Select(i => (object)i),
            SchemaType.Float32 => FloatGen.Select(f => (object)f),
            SchemaType.Float64 => DoubleGen.Select(d => (object)d),
            SchemaType.Boolean => Bool.Select(b => (object)b),
            SchemaType.String => StringGen.Select(s => (object)s),
            SchemaType.Bytes => BytesGen.Select(b => (object)b),
            SchemaType.Array =>
                from n in Gen.Choose(0, 4)
                from items in ValueOrNull(schema.ValueSchema!).ArrayOf(n)
                select (object)items.ToList(),
            SchemaType.Map =>
                from n in Gen.Choose(0, 4)
                from keys in NonNullValue(schema.KeySchema!).ArrayOf(n)
                from values in ValueOrNull(schema.ValueSchema!).ArrayOf(n)
                select BuildMap(schema, keys, values),
            SchemaType.Struct =>
                from values in Gen.CollectToArray(schema.Fields.Select(f => ValueOrNull(f.Schema)))
                select (object)BuildStructValue(schema, values),
            _ => throw new InvalidOperationException($"No generator for {schema}"),
        };
    }

    private static object BuildMap(Schema schema, object[] keys, object?[] values)
    {
        if (schema.KeySchema!.Type == SchemaType.String)
        {
            var map = new Dictionary<string, object?>();
            for (var i = 0; i < keys.Length; i++)
            {
                map.TryAdd((string)keys[i], values[i]);
            }

            return map;
        }

        var pairs = new Dictionary<object, object?>();
        for (var i = 0; i < keys.Length; i++)
        {
            pairs.TryAdd(keys[i], values[i]);
        }

        return pairs;
    }

    private static Struct BuildStructValue(Schema schema, object?[] values)
    {
        var result = new Struct(schema);
        foreach (var field in schema.Fields)
        {
            result.Put(field, values[field.Index]);
        }

        return result;
    }

    /// <summary>Decimals whose scale is at most <paramref name="scale"/>, so the schema holds them exactly.</summary>
    public static Gen<decimal> DecimalGen(int scale) => Gen.Frequency(
        (1, Gen.Elements(0m, 1m, -1m, decimal.MaxValue, decimal.MinValue)),
        (3, from units in Gen.Choose(-1000000, 1000000) from k in Gen.Choose(0, Math.Min(scale, 6)) select new decimal(units) / Pow10(k)),
        (3, from lo in Int32Gen
            from mid in Int32Gen
            from hi in Gen.Frequency((1, Int32Gen), (2, Gen.Choose(0, 1000)), (2, Gen.Constant(0)))
            from negative in Bool
            from k in Gen.Choose(0, scale)
            select new decimal(lo, mid, hi, negative, (byte)k)));

    private static decimal Pow10(int k)
    {
        var r = 1m;
        for (var i = 0; i < k; i++)
        {
            r *= 10m;
        }

        return r;
    }

    private static Gen<object?> PlainGen(int depth)
    {
        var leaf = Gen.Frequency(
            (1, Gen.Constant<object?>(null)),
            (1, Bool.Select(b => (object?)b)),
            (2, Int64Gen.Select(l => (object?)l)),
            (2, DoubleGen.Where(double.IsFinite).Select(d => (object?)d)),
            (2, StringGen.Select(s => (object?)s)));
        if (depth <= 0)
        {
            return leaf;
        }

        var list = from n in Gen.Choose(0, 4) from items in PlainGen(depth - 1).ArrayOf(n) select (object?)items.ToList();
        var map = from n in Gen.Choose(0, 4)
                  from keys in StringGen.ArrayOf(n)
                  from values in PlainGen(depth - 1).ArrayOf(n)
                  select (object?)keys.Select((k, i) => (k, values[i])).DistinctBy(p => p.k).ToDictionary(p => p.k, p => p.Item2);
        return Gen.Frequency((3, leaf), (1, list), (1, map));
    }
}
