using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Converters;
using static ActorConnect.Converters.Tests.JsonTestSupport;

namespace ActorConnect.Converters.Tests;

public class JsonConverterTests
{
    private const string OrderEnvelope =
        """{"schema":{"type":"struct","name":"com.acme.Order","optional":false,"fields":[{"field":"id","type":"int64","optional":false},{"field":"amount","type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},{"field":"ts","type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},{"field":"tags","type":"array","items":{"type":"string","optional":false},"optional":true}]},"payload":{"id":42,"amount":"AfQ=","ts":1700000000000,"tags":["a"]}}""";

    private static readonly Schema OrderSchema = SchemaBuilder.Struct().Name("com.acme.Order")
        .Field("id", Schema.Int64Schema)
        .Field("amount", LogicalTypes.Decimal(2).Optional().Build())
        .Field("ts", LogicalTypes.Timestamp().Build())
        .Field("tags", SchemaBuilder.Array(Schema.StringSchema).Optional().Build())
        .Build();

    private static readonly DateTime At = new(2023, 11, 14, 22, 13, 20, DateTimeKind.Utc);

    [Fact]
    public void Reads_Kafka_Connects_documented_order_envelope()
    {
        var result = Converter().Read(OrderEnvelope);

        Assert.Equal(OrderSchema, result.Schema);
        var order = Assert.IsType<Struct>(result.Value);
        Assert.Equal(42L, order.Get("id"));
        Assert.Equal(5.00m, order.Get("amount"));
        Assert.Equal("5.00", ((decimal)order.Get("amount")!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(At, order.Get("ts"));
        Assert.Equal(DateTimeKind.Utc, ((DateTime)order.Get("ts")!).Kind);
        Assert.Equal(new List<object?> { "a" }, order.Get("tags"));
    }

    [Fact]
    public void Writes_the_order_envelope_in_Kafkas_key_order()
    {
        var order = new Struct(OrderSchema).Put("id", 42L).Put("amount", 5m).Put("ts", At).Put("tags", new List<object?> { "a" });

        var json = Converter().Write(OrderSchema, order);

        AssertJsonEqual(OrderEnvelope, json);
        Assert.Equal(
            """{"schema":{"type":"struct","fields":[{"type":"int64","optional":false,"field":"id"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"amount"},{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},{"type":"array","items":{"type":"string","optional":false},"optional":true,"field":"tags"}],"optional":false,"name":"com.acme.Order"},"payload":{"id":42,"amount":"AfQ=","ts":1700000000000,"tags":["a"]}}""",
            json);
    }

    public static TheoryData<string, Schema, object, string> Primitives() => new()
    {
        { "int8", Schema.Int8Schema, (sbyte)12, "12" },
        { "int16", Schema.Int16Schema, (short)-1234, "-1234" },
        { "int32", Schema.Int32Schema, int.MaxValue, "2147483647" },
        { "int64", Schema.Int64Schema, long.MinValue, "-9223372036854775808" },
        { "float", Schema.Float32Schema, 12.34f, "12.34" },
        { "double", Schema.Float64Schema, 12.34, "12.34" },
        { "boolean", Schema.BooleanSchema, true, "true" },
        { "string", Schema.StringSchema, "foo-bar-baz", "\"foo-bar-baz\"" },
        { "bytes", Schema.BytesSchema, Encoding.UTF8.GetBytes("test-string"), "\"dGVzdC1zdHJpbmc=\"" },
    };

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Primitives_round_trip_through_the_envelope(string type, Schema schema, object value, string payload)
    {
        var converter = Converter();
        var expected = $$"""{"schema":{"type":"{{type}}","optional":false},"payload":{{payload}}}""";

        Assert.Equal(expected, converter.Write(schema, value));
        var back = converter.Read(expected);
        Assert.Equal(schema, back.Schema);
        Assert.True(Struct.ValueEquals(value, back.Value), $"{value} != {back.Value}");
        Assert.IsType(value.GetType(), back.Value);
    }

    [Theory]
    [InlineData("""{"schema":{"type":"int8"},"payload":12}""", (sbyte)12)]
    [InlineData("""{"schema":{"type":"int16"},"payload":12}""", (short)12)]
    [InlineData("""{"schema":{"type":"int32"},"payload":12}""", 12)]
    [InlineData("""{"schema":{"type":"int64"},"payload":4398046511104}""", 4398046511104L)]
    [InlineData("""{"schema":{"type":"float"},"payload":12.34}""", 12.34f)]
    [InlineData("""{"schema":{"type":"double"},"payload":12.34}""", 12.34)]
    [InlineData("""{"schema":{"type":"boolean"},"payload":true}""", true)]
    [InlineData("""{"schema":{"type":"string"},"payload":"foo-bar-baz"}""", "foo-bar-baz")]
    public void Reads_Kafkas_primitive_examples(string json, object expected)
    {
        var result = Converter().Read(json);
        Assert.Equal(expected, result.Value);
        Assert.False(result.Schema!.IsOptional);
    }

    [Fact]
    public void Optional_null_payloads_read_as_null()
    {
        var result = Converter().Read("""{"schema":{"type":"string","optional":true},"payload":null}""");
        Assert.Equal(Schema.OptionalStringSchema, result.Schema);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Required_null_payload_is_an_error()
    {
        var e = Assert.Throws<DataException>(() => Converter().Read("""{"schema":{"type":"int32","optional":false},"payload":null}"""));
        Assert.Equal("Invalid null value for required INT32 field", e.Message);
    }

    [Fact]
    public void Decimal_reads_base64_and_numeric()
    {
        var converter = Converter();
        const string schema = """{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}}""";

        var fromBytes = converter.Read($$"""{"schema":{{schema}},"payload":"AJw="}""");
        var fromNumber = converter.Read($$"""{"schema":{{schema}},"payload":1.56}""");

        Assert.Equal(LogicalTypes.Decimal(2).Build(), fromBytes.Schema);
        Assert.Equal(1.56m, fromBytes.Value);
        Assert.Equal(1.56m, fromNumber.Value);
    }

    [Theory]
    [InlineData("BASE64", "\"AfQ=\"")]
    [InlineData("NUMERIC", "5.00")]
    [InlineData("numeric", "5.00")]
    public void Decimal_format_chooses_how_decimals_are_written(string format, string payload)
    {
        var converter = Converter(("decimal.format", format));
        var schema = LogicalTypes.Decimal(2).Build();

        var json = converter.Write(schema, 5m);

        Assert.Equal("""{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":""" + payload + "}", json);
        Assert.Equal(5.00m, converter.Read(json).Value);
    }

    [Fact]
    public void Decimal_values_are_rounded_half_even_to_the_schema_scale()
    {
        var converter = Converter(("schemas.enable", "false"));
        var schema = LogicalTypes.Decimal(1).Build();

        Assert.Equal("\"GA==\"", converter.Write(schema, 2.45m)); // 2.45 -> 2.4 -> unscaled 24 = 0x18
        Assert.Equal("\"Gg==\"", converter.Write(schema, 2.55m)); // 2.55 -> 2.6 -> unscaled 26 = 0x1A
    }

    [Fact]
    public void Date_time_and_timestamp_use_Kafkas_integers()
    {
        var converter = Converter(("schemas.enable", "false"));

        Assert.Equal("10000", converter.Write(LogicalTypes.Date().Build(), LogicalTypes.DateFromDays(10000)));
        Assert.Equal("10000", converter.Write(LogicalTypes.Date().Build(), DateOnly.FromDateTime(LogicalTypes.DateFromDays(10000))));
        Assert.Equal("14400000", converter.Write(LogicalTypes.Time().Build(), DateTime.UnixEpoch.AddHours(4)));
        Assert.Equal("14400000", converter.Write(LogicalTypes.Time().Build(), new TimeOnly(4, 0)));
        Assert.Equal("1700000000000", converter.Write(LogicalTypes.Timestamp().Build(), At));
        Assert.Equal("1700000000000", converter.Write(LogicalTypes.Timestamp().Build(), new DateTimeOffset(At).ToOffset(TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Reads_Kafkas_logical_type_examples()
    {
        var converter = Converter();

        var date = converter.Read("""{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}""");
        var time = converter.Read("""{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}""");
        var timestamp = converter.Read("""{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}""");

        Assert.Equal(LogicalTypes.Date().Build(), date.Schema);
        Assert.Equal(new DateTime(1997, 5, 19, 0, 0, 0, DateTimeKind.Utc), date.Value);
        Assert.Equal(DateTime.UnixEpoch.AddHours(4), time.Value);
        Assert.Equal(DateTime.UnixEpoch.AddMilliseconds(4000000000), timestamp.Value);
    }

    [Theory]
    [InlineData("""{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Date","version":1},"payload":"x"}""", "Invalid type for Date, underlying representation should be integer but was STRING")]
    [InlineData("""{"schema":{"type":"int32","name":"org.apache.kafka.connect.data.Time","version":1},"payload":1.5}""", "Invalid type for Time, underlying representation should be integer but was NUMBER")]
    [InlineData("""{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":true}""", "Invalid type for Timestamp, underlying representation should be integral but was BOOLEAN")]
    [InlineData("""{"schema":{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":[]}""", "Invalid type for Decimal, underlying representation should be numeric or bytes but was ARRAY")]
    public void Logical_type_errors_use_Kafkas_messages(string json, string message)
    {
        var e = Assert.Throws<DataException>(() => Converter().Read(json));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Arrays_and_string_keyed_maps()
    {
        var converter = Converter();
        var array = SchemaBuilder.Array(Schema.Int32Schema).Build();
        var map = SchemaBuilder.Map(Schema.StringSchema, Schema.Int32Schema).Build();

        Assert.Equal("""{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}""",
            converter.Write(array, new List<object?> { 1, 2, 3 }));
        Assert.Equal("""{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}""",
            converter.Write(map, new Dictionary<string, object?> { ["key1"] = 12, ["key2"] = 15 }));

        var back = converter.Read("""{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":{"key1":12,"key2":15}}""");
        Assert.Equal(map, back.Schema);
        Assert.Equal(new Dictionary<string, object?> { ["key1"] = 12, ["key2"] = 15 }, Assert.IsType<Dictionary<string, object?>>(back.Value));
    }

    [Fact]
    public void Maps_with_non_string_keys_are_arrays_of_pairs()
    {
        var converter = Converter();
        var schema = SchemaBuilder.Map(Schema.Int32Schema, Schema.Int32Schema).Build();

        var json = converter.Write(schema, new Dictionary<object, object?> { [1] = 12, [2] = 15 });

        Assert.Equal("""{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}""", json);
        var back = Assert.IsType<Dictionary<object, object?>>(converter.Read(json).Value);
        Assert.Equal(12, back[1]);
        Assert.Equal(15, back[2]);
    }

    [Theory]
    [InlineData("""{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":{"1":2}}""", "Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT")]
    [InlineData("""{"schema":{"type":"map","keys":{"type":"string"},"values":{"type":"int32"}},"payload":[]}""", "Maps with string fields should be encoded as JSON objects, but found ARRAY")]
    [InlineData("""{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[1]}""", "Found invalid map entry instead of array tuple: NUMBER")]
    [InlineData("""{"schema":{"type":"map","keys":{"type":"int32"},"values":{"type":"int32"}},"payload":[[1,2,3]]}""", "Found invalid map entry, expected length 2 but found :3")]
    [InlineData("""{"schema":{"type":"struct","fields":[]},"payload":[]}""", "Structs should be encoded as JSON objects, but found ARRAY")]
    [InlineData("""{"schema":{"type":"uuid"},"payload":"x"}""", "Unknown schema type: uuid")]
    [InlineData("""{"schema":{"optional":true},"payload":"x"}""", "Schema must contain 'type' field")]
    [InlineData("""{"schema":{"type":"array"},"payload":[]}""", "Array schema did not specify the element type")]
    [InlineData("""{"schema":{"type":"map","values":{"type":"int32"}},"payload":[]}""", "Map schema did not specify the key type")]
    [InlineData("""{"schema":{"type":"struct"},"payload":{}}""", "Struct schema's \"fields\" argument is not an array.")]
    [InlineData("""{"schema":{"type":"struct","fields":[{"type":"int32"}]},"payload":{}}""", "Struct schema's field name not specified properly")]
    [InlineData("""{"schema":{"type":"string","parameters":{"a":1}},"payload":"x"}""", "Schema parameters must have string values.")]
    [InlineData("""{"schema":{"type":"struct","fields":[{"field":"a","type":"int32"},{"field":"a","type":"int32"}]},"payload":{}}""", "Cannot create field because of field name duplication a")]
    public void Malformed_schemas_and_payloads_use_Kafkas_messages(string json, string message)
    {
        var e = Assert.Throws<DataException>(() => Converter().Read(json));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Schema_attributes_and_defaults_round_trip()
    {
        var converter = Converter();
        var schema = SchemaBuilder.Struct().Name("com.acme.Thing").Version(7).Doc("A \"thing\"").Parameter("k", "v").Optional()
            .Field("n", SchemaBuilder.Int32().Optional().DefaultValue(42).Build())
            .Field("s", SchemaBuilder.String().DefaultValue("none").Doc("status").Build())
            .Field("d", LogicalTypes.Decimal(2).DefaultValue(1.5m).Build())
            .Field("b", SchemaBuilder.Bytes().Optional().DefaultValue(new byte[] { 1 }).Build())
            .Build();

        var json = converter.AsJsonSchema(schema)!;

        Assert.Equal(
            """{"type":"struct","fields":[{"type":"int32","optional":true,"default":42,"field":"n"},{"type":"string","optional":false,"doc":"status","default":"none","field":"s"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"default":"AJY=","field":"d"},{"type":"bytes","optional":true,"default":"AQ==","field":"b"}],"optional":true,"name":"com.acme.Thing","version":7,"doc":"A \"thing\"","parameters":{"k":"v"}}""",
            json);
        Assert.Equal(schema, converter.AsConnectSchema(json));
    }

    [Fact]
    public void Null_fields_with_defaults_are_replaced_by_default()
    {
        var schema = SchemaBuilder.Struct().Field("n", SchemaBuilder.Int32().Optional().DefaultValue(42).Build()).Build();
        var value = new Struct(schema);

        Assert.EndsWith("""payload":{"n":42}}""", Converter().Write(schema, value));
        Assert.EndsWith("""payload":{"n":null}}""", Converter(("replace.null.with.default", "false")).Write(schema, value));

        var envelope = """{"schema":{"type":"struct","fields":[{"field":"n","type":"int32","optional":true,"default":42}]},"payload":{"n":null}}""";
        Assert.Equal(42, ((Struct)Converter().Read(envelope).Value!).Get("n"));
        Assert.Null(((Struct)Converter(("replace.null.with.default", "false")).Read(envelope).Value!).GetWithoutDefault("n"));

        var missing = """{"schema":{"type":"struct","fields":[{"field":"n","type":"int32","optional":true,"default":42}]},"payload":{}}""";
        Assert.Equal(42, ((Struct)Converter().Read(missing).Value!).GetWithoutDefault("n"));
    }

    [Fact]
    public void Struct_payload_fields_may_come_in_any_order_and_unknown_fields_are_ignored()
    {
        var result = Converter().Read("""{"schema":{"type":"struct","fields":[{"field":"a","type":"int32"},{"field":"b","type":"string"}]},"payload":{"extra":{"x":[1]},"b":"x","a":1}}""");
        var value = (Struct)result.Value!;
        Assert.Equal(1, value.Get("a"));
        Assert.Equal("x", value.Get("b"));
    }

    [Fact]
    public void Read_errors_name_the_field()
    {
        var e = Assert.Throws<DataException>(() => Converter().Read(
            """{"schema":{"type":"struct","fields":[{"field":"qty","type":"int32"}]},"payload":{"qty":"three"}}"""));
        Assert.Equal("Invalid value for INT32 for field \"qty\": expected an integer that fits INT32 but found STRING \"three\"", e.Message);

        var missing = Assert.Throws<DataException>(() => Converter().Read(
            """{"schema":{"type":"struct","fields":[{"field":"qty","type":"int32"}]},"payload":{}}"""));
        Assert.Equal("Invalid null value for required INT32 field \"qty\"", missing.Message);

        var overflow = Assert.Throws<DataException>(() => Converter().Read("""{"schema":{"type":"int8"},"payload":300}"""));
        Assert.Contains("INT8", overflow.Message);
    }

    [Theory]
    [InlineData("""{"a":1}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""42""")]
    [InlineData("""null""")]
    [InlineData("""{"schema":null}""")]
    [InlineData("""{"payload":1}""")]
    [InlineData("""{"schema":null,"payload":1,"extra":true}""")]
    [InlineData("""{"schema":null,"schema":null,"payload":1}""")]
    [InlineData("")]
    public void Schemas_enable_requires_an_envelope_with_Kafkas_hint(string json)
    {
        var e = Assert.Throws<DataException>(() => Converter().Read(json));
        Assert.Equal(
            "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.",
            e.Message);
        Assert.Equal(JsonConverter.EnvelopeRequiredMessage, e.Message);
    }

    [Theory]
    [InlineData(true, "not json")]
    [InlineData(false, "not json")]
    [InlineData(true, """{"schema":{"type":"int32"},""")]
    [InlineData(true, """{"a":1""")]
    [InlineData(false, """{"a":1} trailing""")]
    [InlineData(true, """{"schema":{"type":"int32"},"payload":"x" oops}""")]
    [InlineData(false, """["\ud800"]""")]
    public void Bytes_that_are_not_JSON_are_a_serialization_error_naming_the_topic(bool schemas, string text)
    {
        var converter = Converter(("schemas.enable", schemas ? "true" : "false"));
        var e = Assert.Throws<DataException>(() => converter.Read(text));
        Assert.StartsWith("Converting byte[] to Kafka Connect data failed due to serialization error: ", e.Message);
        Assert.Contains("\"orders\"", e.Message);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Tombstones_stay_null()
    {
        var converter = Converter();
        Assert.Same(SchemaAndValue.Null, converter.ToConnectData(Topic, ConnectHeaders.Empty, null));
        Assert.Null(converter.FromConnectData(Topic, ConnectHeaders.Empty, null, null));
        Assert.Null(converter.FromConnectData(Topic, ConnectHeaders.Empty, OrderSchema, null));
        Assert.Null(Converter(("schemas.enable", "false")).FromConnectData(Topic, ConnectHeaders.Empty, Schema.OptionalStringSchema, null));
        Assert.Same(SchemaAndValue.Null, Converter(("schemas.enable", "false")).ToConnectData(Topic, ConnectHeaders.Empty, null));
    }

    [Fact]
    public void Null_schema_with_schemas_enabled_writes_a_null_schema()
    {
        var converter = Converter();
        var json = converter.Write(null, new Dictionary<string, object?> { ["a"] = 1L });

        Assert.Equal("""{"schema":null,"payload":{"a":1}}""", json);
        var back = converter.Read(json);
        Assert.Null(back.Schema);
        Assert.Equal(new Dictionary<string, object?> { ["a"] = 1L }, back.Value);
        Assert.Same(SchemaAndValue.Null, converter.Read("""{"schema":null,"payload":null}"""));
    }

    [Fact]
    public void Schemaless_json_reads_as_plain_dotnet_values()
    {
        var converter = Converter(("schemas.enable", "false"));

        var result = converter.Read("""{"a":1,"b":[1,2.5,"x",true,null,-0.0,1e3],"c":{"d":null},"e":12345678901234567890}""");

        Assert.Null(result.Schema);
        var map = Assert.IsType<Dictionary<string, object?>>(result.Value);
        Assert.Equal(1L, map["a"]);
        Assert.Equal(new List<object?> { 1L, 2.5, "x", true, null, -0.0, 1000.0 }, Assert.IsType<List<object?>>(map["b"]));
        Assert.Equal(new Dictionary<string, object?> { ["d"] = null }, map["c"]);
        Assert.Equal(12345678901234567890.0, map["e"]);
        Assert.Equal("x", converter.Read("\"x\"").Value);
        Assert.Same(SchemaAndValue.Null, converter.Read("null"));
        Assert.Same(SchemaAndValue.Null, converter.ToConnectData(Topic, ConnectHeaders.Empty, []));
    }

    [Fact]
    public void Schemaless_values_are_written_as_plain_json()
    {
        var converter = Converter(("schemas.enable", "false"));
        var value = new Dictionary<string, object?>
        {
            ["s"] = "x",
            ["i"] = 1,
            ["l"] = 2L,
            ["d"] = 1.0,
            ["f"] = 0.1f,
            ["m"] = 1.50m,
            ["b"] = true,
            ["n"] = null,
            ["bytes"] = new byte[] { 1, 2 },
            ["list"] = new List<object?> { 1, "a" },
            ["nested"] = new Dictionary<string, object?> { ["x"] = 1 },
            ["pairs"] = new Dictionary<object, object?> { [1] = "one" },
        };

        Assert.Equal("""{"s":"x","i":1,"l":2,"d":1.0,"f":0.1,"m":1.50,"b":true,"n":null,"bytes":"AQI=","list":[1,"a"],"nested":{"x":1},"pairs":[[1,"one"]]}""",
            converter.Write(null, value));
    }

    [Fact]
    public void Schema_is_not_written_when_schemas_are_disabled()
    {
        var order = new Struct(OrderSchema).Put("id", 42L).Put("ts", At);
        Assert.Equal("""{"id":42,"amount":null,"ts":1700000000000,"tags":null}""", Converter(("schemas.enable", "false")).Write(OrderSchema, order));
    }

    [Fact]
    public void A_struct_without_a_schema_is_an_error_naming_the_field()
    {
        var converter = Converter(("schemas.enable", "false"));
        var order = new Struct(OrderSchema).Put("id", 42L).Put("ts", At);

        var top = Assert.Throws<DataException>(() => converter.Write(null, order));
        Assert.Contains("without a schema", top.Message);

        var nested = Assert.Throws<DataException>(() => converter.Write(null, new Dictionary<string, object?> { ["customer"] = order }));
        Assert.Contains("without a schema for field \"customer\"", nested.Message);
    }

    [Fact]
    public void Values_that_do_not_fit_the_schema_are_errors_naming_the_field()
    {
        var converter = Converter();
        var top = Assert.Throws<DataException>(() => converter.Write(Schema.Int32Schema, "five"));
        Assert.Equal("Invalid type for INT32: System.String; expected System.Int32", top.Message);

        var schema = SchemaBuilder.Struct().Field("qty", Schema.Int32Schema).Field("day", LogicalTypes.Date().Build()).Field("at", LogicalTypes.Time().Optional().Build()).Build();
        var missing = Assert.Throws<DataException>(() => converter.Write(schema, new Struct(schema)));
        Assert.Equal("Conversion error: null value for field \"qty\" that is required and has no default value", missing.Message);

        var notMidnight = new Struct(schema).Put("qty", 1).Put("day", new DateTime(2024, 1, 1, 10, 0, 0, DateTimeKind.Utc));
        var e = Assert.Throws<DataException>(() => converter.Write(schema, notMidnight));
        Assert.Equal("Kafka Connect Date type should not have any time fields set to non-zero values. (field \"day\")", e.Message);

        var notEpoch = new Struct(schema).Put("qty", 1).Put("day", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).Put("at", new DateTime(2024, 1, 1, 10, 0, 0, DateTimeKind.Utc));
        Assert.Contains("(field \"at\")", Assert.Throws<DataException>(() => converter.Write(schema, notEpoch)).Message);
    }

    [Fact]
    public void A_struct_of_another_schema_is_a_mismatch()
    {
        var other = SchemaBuilder.Struct().Name("Other").Field("x", Schema.Int32Schema).Build();
        var e = Assert.Throws<DataException>(() => Converter().Write(OrderSchema, new Struct(other).Put("x", 1)));
        Assert.StartsWith("Mismatching schema", e.Message);
    }

    [Fact]
    public void Struct_with_an_equal_schema_instance_is_accepted()
    {
        Schema Build() => SchemaBuilder.Struct().Name("S").Field("x", Schema.Int32Schema).Build();
        var json = Converter().Write(Build(), new Struct(Build()).Put("x", 1));
        Assert.EndsWith("\"payload\":{\"x\":1}}", json);
    }

    [Fact]
    public void A_struct_of_another_schema_is_still_a_mismatch_after_an_equal_instance_was_accepted()
    {
        Schema Build() => SchemaBuilder.Struct().Name("S").Field("x", Schema.Int32Schema).Build();
        var converter = Converter();
        var given = Build();
        var equal = Build();
        Assert.EndsWith("\"payload\":{\"x\":1}}", converter.Write(given, new Struct(equal).Put("x", 1)));
        Assert.EndsWith("\"payload\":{\"x\":2}}", converter.Write(given, new Struct(equal).Put("x", 2)));

        var other = SchemaBuilder.Struct().Name("Other").Field("y", Schema.Int32Schema).Build();
        var e = Assert.Throws<DataException>(() => converter.Write(given, new Struct(other).Put("y", 3)));
        Assert.StartsWith("Mismatching schema", e.Message);
    }

    [Fact]
    public void Non_finite_floats_are_written_as_strings_and_read_back()
    {
        var converter = Converter();
        foreach (var value in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var json = converter.Write(Schema.Float64Schema, value);
            Assert.Equal(value, converter.Read(json).Value);
        }

        Assert.EndsWith("\"payload\":\"NaN\"}", converter.Write(Schema.Float32Schema, float.NaN));
        Assert.Equal(float.NegativeInfinity, converter.Read(converter.Write(Schema.Float32Schema, float.NegativeInfinity)).Value);
    }

    [Fact]
    public void Whole_floats_keep_a_decimal_point()
    {
        var converter = Converter(("schemas.enable", "false"));
        Assert.Equal("1.0", converter.Write(Schema.Float64Schema, 1.0));
        Assert.Equal("-0.0", converter.Write(Schema.Float64Schema, -0.0));
        Assert.Equal("1E+20", converter.Write(Schema.Float64Schema, 1e20));
        Assert.Equal("3.4028235E+38", converter.Write(Schema.Float32Schema, float.MaxValue));
        Assert.IsType<double>(converter.Read(converter.Write(null, 2.0)).Value);
    }

    [Fact]
    public void Payload_may_come_before_the_schema()
    {
        var result = Converter().Read("""{"payload":{"a":[1,2]},"schema":{"type":"struct","fields":[{"field":"a","type":"array","items":{"type":"int64"}}]}}""");
        Assert.Equal(new List<object?> { 1L, 2L }, ((Struct)result.Value!).Get("a"));
    }

    [Fact]
    public void Utf8_byte_order_mark_is_skipped()
    {
        var bytes = "\uFEFF{\"schema\":null,\"payload\":1}"u8.ToArray();
        Assert.Equal(1L, Converter().ToConnectData(Topic, ConnectHeaders.Empty, bytes).Value);
    }

    [Fact]
    public void Strings_keep_unicode_and_escape_what_json_requires()
    {
        var converter = Converter(("schemas.enable", "false"));
        var text = "héllo \"q\" \\ \n 😀 <b>";

        var json = converter.Write(Schema.StringSchema, text);

        Assert.Equal("\"héllo \\\"q\\\" \\\\ \\n \\uD83D\\uDE00 <b>\"", json);
        Assert.Equal(text, converter.Read(json).Value);
    }

    [Fact]
    public void Parsed_schemas_are_cached_and_shared()
    {
        var converter = Converter();
        var a = converter.Read(OrderEnvelope);
        var b = converter.Read(OrderEnvelope.Replace("42", "43"));
        var c = converter.Read("""{"schema":{"type":"int32"},"payload":1}""");
        var d = converter.Read(OrderEnvelope);

        Assert.Same(a.Schema, b.Schema);
        Assert.Same(a.Schema, d.Schema);
        Assert.NotSame(a.Schema, c.Schema);
    }

    [Fact]
    public void Repeated_schema_fast_path_still_checks_the_envelope()
    {
        var converter = Converter();
        converter.Read(OrderEnvelope); // the next records carry the same schema bytes

        var extra = Assert.Throws<DataException>(() => converter.Read(OrderEnvelope[..^1] + ",\"extra\":1}"));
        Assert.Equal(JsonConverter.EnvelopeRequiredMessage, extra.Message);

        var broken = Assert.Throws<DataException>(() => converter.Read(OrderEnvelope[..^1]));
        Assert.StartsWith("Converting byte[] to Kafka Connect data failed due to serialization error: ", broken.Message);

        var spaced = converter.Read(OrderEnvelope.Replace(",\"payload\":", " , \"payload\" : ") + "\n");
        Assert.Equal(42L, ((Struct)spaced.Value!).Get("id"));

        var wrongType = Assert.Throws<DataException>(() => converter.Read(OrderEnvelope.Replace("\"id\":42", "\"id\":\"x\"")));
        Assert.Contains("\"id\"", wrongType.Message);

        Assert.Equal(43L, ((Struct)converter.Read(OrderEnvelope.Replace("42", "43")).Value!).Get("id"));
    }

    [Fact]
    public void Works_without_a_cache()
    {
        var converter = Converter(("schemas.cache.size", "0"));
        var order = new Struct(OrderSchema).Put("id", 42L).Put("ts", At);

        var first = converter.Read(converter.Write(OrderSchema, order));
        var second = converter.Read(converter.Write(OrderSchema, order));

        Assert.Equal(order, first.Value);
        Assert.Equal(first.Schema, second.Schema);
    }

    [Theory]
    [InlineData("schemas.enable", "maybe", "Invalid value maybe for configuration schemas.enable: Expected value to be either true or false")]
    [InlineData("decimal.format", "HEX", "Invalid value HEX for configuration decimal.format: String must be one of: BASE64, NUMERIC")]
    [InlineData("schemas.cache.size", "-1", "Invalid value -1 for configuration schemas.cache.size: Value must be at least 0")]
    [InlineData("replace.null.with.default", "x", "Invalid value x for configuration replace.null.with.default: Expected value to be either true or false")]
    public void Invalid_settings_are_config_errors(string key, string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Converter((key, value)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Defaults_match_Kafka()
    {
        var converter = new JsonConverter();
        Assert.True(converter.SchemasEnabled);
        Assert.Equal(DecimalFormat.Base64, converter.DecimalFormat);
        Assert.True(converter.ReplaceNullWithDefault);

        var configured = Converter(("schemas.enable", "false"), ("decimal.format", "NUMERIC"), ("replace.null.with.default", "false"), ("unknown.key", "ignored"));
        Assert.False(configured.SchemasEnabled);
        Assert.Equal(DecimalFormat.Numeric, configured.DecimalFormat);
        Assert.False(configured.ReplaceNullWithDefault);
    }

    [Fact]
    public void Arrays_accept_any_enumerable()
    {
        var converter = Converter(("schemas.enable", "false"));
        var schema = SchemaBuilder.Array(Schema.StringSchema).Build();
        Assert.Equal("[\"a\",\"b\"]", converter.Write(schema, new[] { "a", "b" }));
        Assert.Equal("[\"a\"]", converter.Write(schema, new HashSet<string> { "a" }));
    }

    [Fact]
    public void Bytes_accept_memory_and_segments()
    {
        var converter = Converter(("schemas.enable", "false"));
        var bytes = new byte[] { 0, 1, 2, 3 };
        Assert.Equal("\"AQI=\"", converter.Write(Schema.BytesSchema, new ArraySegment<byte>(bytes, 1, 2)));
        Assert.Equal("\"AQI=\"", converter.Write(Schema.BytesSchema, new ReadOnlyMemory<byte>(bytes, 1, 2)));
        Assert.Equal("\"AQI=\"", converter.Write(null, new ReadOnlyMemory<byte>(bytes, 1, 2)));
    }

    [Fact]
    public void Invalid_base64_is_a_data_error()
    {
        var e = Assert.Throws<DataException>(() => Converter().Read("""{"schema":{"type":"bytes"},"payload":"***"}"""));
        Assert.StartsWith("Invalid bytes field", e.Message);
    }

    [Fact]
    public void Large_and_deep_values_round_trip()
    {
        var converter = Converter();
        var inner = SchemaBuilder.Struct().Name("Inner").Field("v", Schema.StringSchema).Build();
        var schema = SchemaBuilder.Struct().Name("Outer")
            .Field("items", SchemaBuilder.Array(inner).Build())
            .Field("index", SchemaBuilder.Map(Schema.StringSchema, SchemaBuilder.Array(Schema.Int64Schema).Build()).Build())
            .Build();
        var items = Enumerable.Range(0, 5000).Select(i => (object?)new Struct(inner).Put("v", new string('x', i % 50))).ToList();
        var index = Enumerable.Range(0, 100).ToDictionary(i => $"k{i}", i => (object?)Enumerable.Range(0, i).Select(j => (object?)(long)j).ToList());
        var value = new Struct(schema).Put("items", items).Put("index", index);

        var back = converter.Read(converter.Write(schema, value));

        Assert.Equal(schema, back.Schema);
        Assert.Equal(value, back.Value);
    }
}
