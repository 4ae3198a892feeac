using System.Text;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;
using ActorConnect.Converters;

namespace ActorConnect.Converters.Tests;

public class StringConverterTests
{
    private static StringConverter Configured(params (string Key, string Value)[] settings)
    {
        var converter = new StringConverter();
        converter.Configure(settings.ToDictionary(s => s.Key, s => s.Value), isKey: false);
        return converter;
    }

    [Fact]
    public void Writes_utf8_by_default()
    {
        var converter = new StringConverter();
        Assert.Equal("héllo"u8.ToArray(), converter.FromConnectData("t", ConnectHeaders.Empty, Schema.StringSchema, "héllo"));
        Assert.Equal("héllo"u8.ToArray(), Configured().FromConnectData("t", ConnectHeaders.Empty, null, "héllo"));
        Assert.Equal(Encoding.UTF8.WebName, Configured().Encoding.WebName);
    }

    [Fact]
    public void Reads_strings_with_the_optional_string_schema()
    {
        var result = Configured().ToConnectData("t", ConnectHeaders.Empty, "héllo"u8.ToArray());
        Assert.Same(Schema.OptionalStringSchema, result.Schema);
        Assert.Equal("héllo", result.Value);
    }

    [Fact]
    public void Null_stays_null()
    {
        var converter = Configured();
        Assert.Null(converter.FromConnectData("t", ConnectHeaders.Empty, Schema.OptionalStringSchema, null));
        var result = converter.ToConnectData("t", ConnectHeaders.Empty, null);
        Assert.Same(Schema.OptionalStringSchema, result.Schema);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Other_values_are_written_as_their_invariant_string()
    {
        var converter = Configured();
        string Text(object value) => Encoding.UTF8.GetString(converter.FromConnectData("t", ConnectHeaders.Empty, null, value)!);

        Assert.Equal("42", Text(42));
        Assert.Equal("1.5", Text(1.5));
        Assert.Equal("5.00", Text(5.00m));
        Assert.Equal("true", Text(true));
        Assert.StartsWith("Struct{", Text(new Struct(SchemaBuilder.Struct().Field("a", Schema.Int32Schema).Build()).Put("a", 1)));
    }

    [Theory]
    [InlineData("converter.encoding", "UTF-16BE", new byte[] { 0, (byte)'h', 0, 0xE9 })]
    [InlineData("encoding", "UTF-16LE", new byte[] { (byte)'h', 0, 0xE9, 0 })]
    [InlineData("converter.encoding", "UTF-16", new byte[] { 0xFE, 0xFF, 0, (byte)'h', 0, 0xE9 })] // Java's UTF-16 writes a big-endian BOM
    public void Encoding_is_configurable_with_Java_names(string key, string name, byte[] expected)
    {
        var converter = Configured((key, name));
        var bytes = converter.FromConnectData("t", ConnectHeaders.Empty, null, "hé")!;

        Assert.Equal(expected, bytes);
        Assert.Equal("hé", converter.ToConnectData("t", ConnectHeaders.Empty, bytes).Value);
    }

    [Fact]
    public void Java_UTF16_honours_the_byte_order_mark_when_reading()
    {
        var converter = Configured(("converter.encoding", "UTF-16"));
        Assert.Equal("hé", converter.ToConnectData("t", ConnectHeaders.Empty, [0xFF, 0xFE, (byte)'h', 0, 0xE9, 0]).Value);
        Assert.Equal("hé", converter.ToConnectData("t", ConnectHeaders.Empty, [0, (byte)'h', 0, 0xE9]).Value);
    }

    [Theory]
    [InlineData("UTF8", new byte[] { 0xC3, 0xA9 })]
    [InlineData("ISO-8859-1", new byte[] { 0xE9 })]
    [InlineData("ISO8859_1", new byte[] { 0xE9 })]
    [InlineData("UTF-16LE", new byte[] { 0xE9, 0 })]
    [InlineData("windows-1252", new byte[] { 0xE9 })]
    public void Java_and_dotnet_charset_names_resolve(string name, byte[] expected)
    {
        Assert.Equal(expected, Configured(("converter.encoding", name)).FromConnectData("t", ConnectHeaders.Empty, null, "é"));
    }

    [Fact]
    public void Unknown_encoding_is_a_config_error()
    {
        var e = Assert.Throws<ConfigException>(() => Configured(("converter.encoding", "klingon")));
        Assert.StartsWith("Invalid value klingon for configuration converter.encoding:", e.Message);
    }

    [Fact]
    public void Converter_encoding_wins_over_the_alias()
    {
        var converter = Configured(("converter.encoding", "UTF-8"), ("encoding", "UTF-16"));
        Assert.Equal("a"u8.ToArray(), converter.FromConnectData("t", ConnectHeaders.Empty, null, "a"));
    }
}

public class ByteArrayConverterTests
{
    private readonly ByteArrayConverter _converter = new();

    [Fact]
    public void Passes_bytes_through_unchanged()
    {
        var bytes = new byte[] { 1, 2, 3 };
        Assert.Same(bytes, _converter.FromConnectData("t", ConnectHeaders.Empty, Schema.BytesSchema, bytes));
        Assert.Same(bytes, _converter.FromConnectData("t", ConnectHeaders.Empty, null, bytes));

        var result = _converter.ToConnectData("t", ConnectHeaders.Empty, bytes);
        Assert.Same(Schema.OptionalBytesSchema, result.Schema);
        Assert.Same(bytes, result.Value);
    }

    [Fact]
    public void Accepts_memory_and_segments()
    {
        var bytes = new byte[] { 1, 2, 3 };
        Assert.Equal(new byte[] { 2, 3 }, _converter.FromConnectData("t", ConnectHeaders.Empty, null, new ArraySegment<byte>(bytes, 1, 2)));
        Assert.Same(bytes, _converter.FromConnectData("t", ConnectHeaders.Empty, null, new ArraySegment<byte>(bytes)));
        Assert.Equal(new byte[] { 1, 2 }, _converter.FromConnectData("t", ConnectHeaders.Empty, null, new ReadOnlyMemory<byte>(bytes, 0, 2)));
    }

    [Fact]
    public void Null_stays_null()
    {
        Assert.Null(_converter.FromConnectData("t", ConnectHeaders.Empty, Schema.OptionalBytesSchema, null));
        var result = _converter.ToConnectData("t", ConnectHeaders.Empty, null);
        Assert.Same(Schema.OptionalBytesSchema, result.Schema);
        Assert.Null(result.Value);
    }

    [Fact]
    public void Other_values_are_a_clear_error()
    {
        var e = Assert.Throws<DataException>(() => _converter.FromConnectData("orders", ConnectHeaders.Empty, null, "text"));
        Assert.StartsWith("ByteArrayConverter is not compatible with objects of type System.String", e.Message);
        Assert.Contains("orders", e.Message);

        var schema = Assert.Throws<DataException>(() => _converter.FromConnectData("t", ConnectHeaders.Empty, Schema.StringSchema, new byte[] { 1 }));
        Assert.StartsWith("Invalid schema type for ByteArrayConverter: STRING", schema.Message);
    }
}

public class NumberConverterTests
{
    public static TheoryData<IConverter, object, byte[], Schema> Cases() => new()
    {
        { new IntegerConverter(), 0x01020304, [1, 2, 3, 4], Schema.OptionalInt32Schema },
        { new IntegerConverter(), -1, [0xFF, 0xFF, 0xFF, 0xFF], Schema.OptionalInt32Schema },
        { new LongConverter(), 0x0102030405060708L, [1, 2, 3, 4, 5, 6, 7, 8], Schema.OptionalInt64Schema },
        { new ShortConverter(), (short)0x0102, [1, 2], Schema.OptionalInt16Schema },
        { new FloatConverter(), 1.5f, [0x3F, 0xC0, 0, 0], Schema.OptionalFloat32Schema },
        { new DoubleConverter(), 1.5, [0x3F, 0xF8, 0, 0, 0, 0, 0, 0], Schema.OptionalFloat64Schema },
        { new BooleanConverter(), true, [1], Schema.OptionalBooleanSchema },
        { new BooleanConverter(), false, [0], Schema.OptionalBooleanSchema },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Numbers_are_big_endian_as_Kafkas_serializers(IConverter converter, object value, byte[] bytes, Schema schema)
    {
        converter.Configure(new Dictionary<string, string>(), isKey: true);
        Assert.Equal(bytes, converter.FromConnectData("t", ConnectHeaders.Empty, schema, value));

        var back = converter.ToConnectData("t", ConnectHeaders.Empty, bytes);
        Assert.Same(schema, back.Schema);
        Assert.Equal(value, back.Value);

        Assert.Null(converter.FromConnectData("t", ConnectHeaders.Empty, schema, null));
        var tombstone = converter.ToConnectData("t", ConnectHeaders.Empty, null);
        Assert.Same(schema, tombstone.Schema);
        Assert.Null(tombstone.Value);
    }

    [Fact]
    public void Wrong_size_uses_Kafkas_message()
    {
        var e = Assert.Throws<DataException>(() => new IntegerConverter().ToConnectData("t", ConnectHeaders.Empty, [1, 2]));
        Assert.StartsWith("Failed to deserialize integer: Size of data received by IntegerDeserializer is not 4", e.Message);

        var b = Assert.Throws<DataException>(() => new BooleanConverter().ToConnectData("t", ConnectHeaders.Empty, [2]));
        Assert.Equal("Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: 2", b.Message);
    }

    [Fact]
    public void Smaller_integers_widen_but_lossy_values_are_rejected()
    {
        Assert.Equal(new byte[] { 0, 0, 0, 7 }, new IntegerConverter().FromConnectData("t", ConnectHeaders.Empty, null, (short)7));
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 7 }, new LongConverter().FromConnectData("t", ConnectHeaders.Empty, null, 7));
        Assert.Throws<DataException>(() => new IntegerConverter().FromConnectData("t", ConnectHeaders.Empty, null, long.MaxValue));
        Assert.Throws<DataException>(() => new ShortConverter().FromConnectData("t", ConnectHeaders.Empty, null, 70000));
        Assert.Throws<DataException>(() => new FloatConverter().FromConnectData("t", ConnectHeaders.Empty, null, 1.5));
        var e = Assert.Throws<DataException>(() => new IntegerConverter().FromConnectData("t", ConnectHeaders.Empty, null, "7"));
        Assert.StartsWith("Failed to serialize to integer (was System.String)", e.Message);
        Assert.Throws<DataException>(() => new BooleanConverter().FromConnectData("t", ConnectHeaders.Empty, null, 1));
        Assert.Throws<DataException>(() => new BooleanConverter().FromConnectData("t", ConnectHeaders.Empty, Schema.Int32Schema, true));
    }

    [Fact]
    public void Boolean_results_do_not_share_mutable_bytes()
    {
        var converter = new BooleanConverter();
        var first = converter.FromConnectData("t", ConnectHeaders.Empty, null, true)!;
        first[0] = 9;
        Assert.Equal(new byte[] { 1 }, converter.FromConnectData("t", ConnectHeaders.Empty, null, true));
    }
}

public class ConverterNamesTests
{
    [Theory]
    [InlineData("org.apache.kafka.connect.storage.StringConverter", typeof(StringConverter))]
    [InlineData("org.apache.kafka.connect.json.JsonConverter", typeof(JsonConverter))]
    [InlineData("org.apache.kafka.connect.converters.ByteArrayConverter", typeof(ByteArrayConverter))]
    [InlineData("org.apache.kafka.connect.converters.IntegerConverter", typeof(IntegerConverter))]
    [InlineData("org.apache.kafka.connect.converters.LongConverter", typeof(LongConverter))]
    [InlineData("org.apache.kafka.connect.converters.ShortConverter", typeof(ShortConverter))]
    [InlineData("org.apache.kafka.connect.converters.FloatConverter", typeof(FloatConverter))]
    [InlineData("org.apache.kafka.connect.converters.DoubleConverter", typeof(DoubleConverter))]
    [InlineData("org.apache.kafka.connect.converters.BooleanConverter", typeof(BooleanConverter))]
    [InlineData("StringConverter", typeof(StringConverter))]
    [InlineData("JsonConverter", typeof(JsonConverter))]
    [InlineData("ByteArrayConverter", typeof(ByteArrayConverter))]
    [InlineData("ActorConnect.Converters.StringConverter", typeof(StringConverter))]
    [InlineData("ActorConnect.Converters.JsonConverter", typeof(JsonConverter))]
    [InlineData("ActorConnect.Converters.ByteArrayConverter", typeof(ByteArrayConverter))]
    [InlineData("  org.apache.kafka.connect.json.JsonConverter  ", typeof(JsonConverter))]
    [InlineData("ActorConnect.Converters.JsonConverter, ActorConnect.Converters", typeof(JsonConverter))]
    public void Known_names_create_our_converters(string name, Type type)
    {
        var first = ConverterNames.Create(name);
        Assert.IsType(type, first);
        Assert.NotSame(first, ConverterNames.Create(name));
        Assert.True(ConverterNames.IsKnown(name));
        Assert.True(ConverterNames.TryResolve(name, out var resolved));
        Assert.Equal(type, resolved);
    }

    [Fact]
    public void Unknown_names_are_a_config_error_listing_the_known_ones()
    {
        var e = Assert.Throws<ConfigException>(() => ConverterNames.Create("io.confluent.connect.avro.AvroConverter"));
        Assert.StartsWith("Invalid value io.confluent.connect.avro.AvroConverter for configuration converter: Class io.confluent.connect.avro.AvroConverter could not be found. Known converters: ", e.Message);
        Assert.Contains("org.apache.kafka.connect.json.JsonConverter", e.Message);
        Assert.Contains("StringConverter", e.Message);
        Assert.Equal("converter", e.Name);

        var keyed = Assert.Throws<ConfigException>(() => ConverterNames.Create("nope", "key.converter"));
        Assert.Equal("key.converter", keyed.Name);
        Assert.Throws<ConfigException>(() => ConverterNames.Create(""));
        Assert.False(ConverterNames.IsKnown(null));
    }

    [Fact]
    public void Create_with_settings_configures_the_converter()
    {
        var converter = Assert.IsType<JsonConverter>(ConverterNames.Create(ConverterNames.KafkaJsonConverter, new Dictionary<string, string> { ["schemas.enable"] = "false" }, isKey: true));
        Assert.False(converter.SchemasEnabled);
        Assert.True(converter.IsKey);

        var e = Assert.Throws<ConfigException>(() => ConverterNames.Create("nope", new Dictionary<string, string>(), isKey: false));
        Assert.Equal("value.converter", e.Name);
    }

    [Fact]
    public void Every_converter_has_its_Kafka_name_and_known_names_are_sorted()
    {
        Assert.Equal(ConverterNames.KafkaByteArrayConverter, ConverterNames.KafkaNames[typeof(ByteArrayConverter)]);
        Assert.Equal(ConverterNames.KnownNames.Order(StringComparer.Ordinal), ConverterNames.KnownNames);
        Assert.Equal(27, ConverterNames.KnownNames.Count);
    }
}
