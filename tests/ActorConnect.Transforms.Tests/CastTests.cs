using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class CastTests
{
    private static Cast Make(bool key, params (string, string)[] config) =>
        key ? Configured<CastKey>(config) : Configured<CastValue>(config);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Whole_value_with_schema(bool key)
    {
        var (schema, value) = Side(Make(key, ("spec", "int8")).Apply(OnSide(key, Schema.Int32Schema, 42))!, key);

        Assert.Equal(SchemaType.Int8, schema!.Type);
        Assert.Equal((sbyte)42, value);
    }

    [Theory]
    [InlineData("int8", 42, (sbyte)42)]
    [InlineData("int16", 42, (short)42)]
    [InlineData("int64", 42, 42L)]
    [InlineData("float32", 42, 42f)]
    [InlineData("float64", 42, 42d)]
    [InlineData("boolean", 42, true)]
    [InlineData("boolean", 0, false)]
    [InlineData("string", 42, "42")]
    [InlineData("int32", "42", 42)]
    [InlineData("boolean", "TRUE", true)]
    [InlineData("int8", 300, (sbyte)44)]
    [InlineData("int32", 42.9d, 42)]
    [InlineData("int32", 1e20d, int.MaxValue)]
    [InlineData("string", 1.0d, "1.0")]
    [InlineData("string", 1e10d, "1.0E10")]
    [InlineData("string", true, "true")]
    [InlineData("float32", true, 1f)]
    public void Whole_value_schemaless_with_java_semantics(string spec, object input, object expected)
    {
        var result = Make(false, ("spec", spec)).Apply(Value(null, input))!;

        Assert.Null(result.ValueSchema);
        Assert.Equal(expected, result.Value);
    }

    [Fact]
    public void Struct_fields_with_schema_kafka_example()
    {
        var schema = SchemaBuilder.Struct()
            .Field("int8", Schema.Int8Schema).Field("int16", Schema.OptionalInt16Schema).Field("int32", SchemaBuilder.Int32().DefaultValue(2).Build())
            .Field("int64", Schema.Int64Schema).Field("float32", Schema.Float32Schema).Field("float64", Schema.Float64Schema)
            .Field("boolean", Schema.BooleanSchema).Field("string", Schema.StringSchema).Field("bigdecimal", LogicalTypes.Decimal(2).Build())
            .Field("date", LogicalTypes.Date().Build()).Field("timestamp", LogicalTypes.Timestamp().Build()).Field("optional", Schema.OptionalFloat32Schema)
            .Field("bytes", Schema.BytesSchema).Field("untouched", Schema.StringSchema).Build();
        var day = new DateTime(2017, 1, 3, 0, 0, 0, DateTimeKind.Utc);
        var value = new Struct(schema).Put("int8", (sbyte)8).Put("int16", (short)16).Put("int32", 32).Put("int64", 64L).Put("float32", 32f)
            .Put("float64", 64d).Put("boolean", true).Put("string", "42").Put("bigdecimal", 42.42m).Put("date", day)
            .Put("timestamp", Timestamp.UtcDateTime).Put("bytes", new byte[] { 1, 2, 3 }).Put("untouched", "hi");
        var transform = Make(false, ("spec",
            "int8:int16,int16:int32,int32:int64,int64:boolean,float32:float64,float64:boolean,boolean:int8,string:int32,bigdecimal:string,date:int32,timestamp:int64,optional:int32,bytes:string"));

        var result = transform.Apply(Value(schema, value))!;

        var s = (Struct)result.Value!;
        var cast = result.ValueSchema!;
        Assert.Equal((short)8, s.Get("int8"));
        Assert.Equal(16, s.Get("int16"));
        Assert.True(cast.Field("int16")!.Schema.IsOptional);
        Assert.Equal(32L, s.Get("int32"));
        Assert.Equal(2L, cast.Field("int32")!.Schema.DefaultValue);
        Assert.Equal(true, s.Get("int64"));
        Assert.Equal(32d, s.Get("float32"));
        Assert.Equal(true, s.Get("float64"));
        Assert.Equal((sbyte)1, s.Get("boolean"));
        Assert.Equal(42, s.Get("string"));
        Assert.Equal("42.42", s.Get("bigdecimal"));
        Assert.Equal(17169, s.Get("date"));
        Assert.Equal(Timestamp.ToUnixTimeMilliseconds(), s.Get("timestamp"));
        Assert.Null(s.Get("optional"));
        Assert.Equal("AQID", s.Get("bytes"));
        Assert.Equal("hi", s.Get("untouched"));
        Assert.Same(cast, transform.Apply(Value(schema, value))!.ValueSchema);
    }

    [Fact]
    public void Map_fields_schemaless()
    {
        var value = Map(("a", 42), ("b", "true"), ("c", 1.5d), ("d", "keep"));

        var cast = (IDictionary<string, object?>)Make(false, ("spec", "a:string,b:boolean,c:int64")).Apply(Value(null, value))!.Value!;

        Assert.Equal(Map(("a", "42"), ("b", true), ("c", 1L), ("d", "keep")), cast);
    }

    [Fact]
    public void Logical_timestamp_to_string_is_iso_text()
    {
        var schema = SchemaBuilder.Struct().Field("ts", LogicalTypes.Timestamp().Build()).Field("day", LogicalTypes.Date().Build()).Build();
        var value = new Struct(schema).Put("ts", Timestamp.UtcDateTime).Put("day", new DateTime(2017, 1, 3, 0, 0, 0, DateTimeKind.Utc));

        var cast = (Struct)Make(false, ("spec", "ts:string,day:string")).Apply(Value(schema, value))!.Value!;

        Assert.Equal("2017-01-03T06:30:01.864Z", cast.Get("ts"));
        Assert.Equal("2017-01-03", cast.Get("day"));
    }

    [Fact]
    public void Logical_values_cast_to_their_physical_numbers_kafka_example()
    {
        var schema = SchemaBuilder.Struct()
            .Field("date_to_int32", LogicalTypes.Date().Build()).Field("timestamp_to_int64", LogicalTypes.Timestamp().Build())
            .Field("time_to_int64", LogicalTypes.Time().Build()).Field("decimal_to_int32", LogicalTypes.Decimal(0).Build())
            .Field("null_timestamp_to_int32", LogicalTypes.Timestamp().Optional().Build()).Build();
        var value = new Struct(schema).Put("date_to_int32", DateTime.UnixEpoch.AddDays(1)).Put("timestamp_to_int64", DateTime.UnixEpoch)
            .Put("time_to_int64", DateTime.UnixEpoch.AddMilliseconds(1)).Put("decimal_to_int32", (decimal)int.MaxValue + 1);
        var transform = Make(false, ("spec", "date_to_int32:int32,timestamp_to_int64:int64,time_to_int64:int64,decimal_to_int32:int32,null_timestamp_to_int32:int32"));

        var result = transform.Apply(Value(schema, value))!;

        var s = (Struct)result.Value!;
        Assert.Equal(1, s.Get("date_to_int32"));
        Assert.Equal(0L, s.Get("timestamp_to_int64"));
        Assert.Equal(1L, s.Get("time_to_int64"));
        Assert.Equal(int.MinValue, s.Get("decimal_to_int32"));
        Assert.Null(s.Get("null_timestamp_to_int32"));
        Assert.Equal(SchemaType.Int32, result.ValueSchema!.Field("null_timestamp_to_int32")!.Schema.Type);
    }

    [Fact]
    public void A_whole_value_default_is_cast_too()
    {
        var result = Make(false, ("spec", "int32")).Apply(Value(SchemaBuilder.Float32().DefaultValue(-42.125f).Build(), 42.125f))!;

        Assert.Equal(42, result.Value);
        Assert.Equal(-42, result.ValueSchema!.DefaultValue);
    }

    [Theory]
    [InlineData("true", "10")]
    [InlineData("false", null)]
    public void A_null_field_with_a_default_follows_replace_null_with_default(string replace, string? expected)
    {
        var schema = SchemaBuilder.Struct().Field("magic", SchemaBuilder.Int32().Optional().DefaultValue(10).Build()).Build();
        var transform = Make(false, ("spec", "magic:string"), ("replace.null.with.default", replace));

        var result = transform.Apply(Value(schema, new Struct(schema).Put("magic", null)))!;

        Assert.Equal(SchemaType.String, result.ValueSchema!.Field("magic")!.Schema.Type);
        Assert.Equal(expected, ((Struct)result.Value!).GetWithoutDefault("magic"));
    }

    [Fact]
    public void A_null_value_passes_unchanged()
    {
        var record = Sink(Schema.StringSchema, "key", Schema.StringSchema, null);

        Assert.Same(record, Make(false, ("spec", "foo:int64")).Apply(record));
    }

    [Fact]
    public void Unsupported_inputs_and_values_out_of_range_are_refused()
    {
        var array = SchemaBuilder.Array(Schema.Int32Schema).Build();

        Assert.Equal("Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]",
            Assert.Throws<DataException>(() => Make(false, ("spec", "int8")).Apply(Value(array, new List<object?>()))).Message);
        Assert.Equal("Value (300) was out of range for requested data type",
            Assert.Throws<DataException>(() => Make(false, ("spec", "int8")).Apply(Value(null, "300"))).Message);
        Assert.Equal("Unexpected type in Cast transformation: System.Byte[]",
            Assert.Throws<DataException>(() => Make(false, ("spec", "int32")).Apply(Value(null, new byte[] { 1 }))).Message);
    }

    [Theory]
    [InlineData("", "Invalid value [] for configuration spec: Must specify at least one field to cast.")]
    [InlineData("foo:faketype", "Invalid value [foo:faketype] for configuration spec: Invalid type found in casting spec: faketype")]
    [InlineData("a:int8:extra", "Invalid value [a:int8:extra] for configuration spec: Invalid cast mapping: a:int8:extra")]
    [InlineData("int8,int32", "Invalid value [int8, int32] for configuration spec: Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec")]
    [InlineData("a:bytes", "Invalid value [a:bytes] for configuration spec: Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]")]
    public void Bad_specs_are_refused_naming_spec(string spec, string message)
    {
        Assert.Equal(message, Assert.Throws<ConfigException>(() => Make(false, ("spec", spec))).Message);
        Assert.Equal([message], new CastValue().Config().Validate(new Dictionary<string, string> { ["spec"] = spec }).Single(v => v.Name == "spec").Errors);
    }
}
