using System.Numerics;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using static ActorConnect.Transforms.Tests.Records;

namespace ActorConnect.Transforms.Tests;

public class MaskFieldTests
{
    private static readonly Schema Schema = SchemaBuilder.Struct()
        .Field("magic", Api.Data.Schema.Int32Schema)
        .Field("bool", Api.Data.Schema.BooleanSchema)
        .Field("byte", Api.Data.Schema.Int8Schema)
        .Field("short", Api.Data.Schema.Int16Schema)
        .Field("int", Api.Data.Schema.Int32Schema)
        .Field("long", Api.Data.Schema.Int64Schema)
        .Field("float", Api.Data.Schema.Float32Schema)
        .Field("double", Api.Data.Schema.Float64Schema)
        .Field("string", Api.Data.Schema.StringSchema)
        .Field("date", LogicalTypes.Date().Build())
        .Field("decimal", LogicalTypes.Decimal(0).Build())
        .Field("array", SchemaBuilder.Array(Api.Data.Schema.Int32Schema).Build())
        .Field("map", SchemaBuilder.Map(Api.Data.Schema.StringSchema, Api.Data.Schema.StringSchema).Build())
        .Build();

    private static readonly string[] Masked = ["bool", "byte", "short", "int", "long", "float", "double", "string", "date", "decimal", "array", "map"];

    private static MaskField Make(bool key, params (string, string)[] config) =>
        key ? Configured<MaskFieldKey>(config) : Configured<MaskFieldValue>(config);

    private static Struct FullStruct() => new Struct(Schema).Put("magic", 42).Put("bool", true).Put("byte", (sbyte)42).Put("short", (short)42)
        .Put("int", 42).Put("long", 42L).Put("float", 42f).Put("double", 42d).Put("string", "blabla")
        .Put("date", new DateTime(2020, 2, 2, 0, 0, 0, DateTimeKind.Utc)).Put("decimal", 42m)
        .Put("array", new List<object?> { 1, 2, 3 }).Put("map", new Dictionary<object, object?> { ["what"] = "what" });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Struct_fields_become_their_types_null_equivalents(bool key)
    {
        var (schema, value) = Side(Make(key, ("fields", string.Join(",", Masked))).Apply(OnSide(key, Schema, FullStruct()))!, key);

        var s = (Struct)value!;
        Assert.Same(Schema, schema);
        Assert.Equal(42, s.Get("magic"));
        Assert.Equal(false, s.Get("bool"));
        Assert.Equal((sbyte)0, s.Get("byte"));
        Assert.Equal((short)0, s.Get("short"));
        Assert.Equal(0, s.Get("int"));
        Assert.Equal(0L, s.Get("long"));
        Assert.Equal(0f, s.Get("float"));
        Assert.Equal(0d, s.Get("double"));
        Assert.Equal(string.Empty, s.Get("string"));
        Assert.Equal(DateTime.UnixEpoch, s.Get("date"));
        Assert.Equal(0m, s.Get("decimal"));
        Assert.Empty((System.Collections.IList)s.Get("array")!);
        Assert.Empty((System.Collections.IDictionary)s.Get("map")!);
    }

    [Fact]
    public void Schemaless_fields_become_null_equivalents_and_nulls_stay_null()
    {
        var value = Map(("magic", 42), ("int", 42), ("string", "blabla"), ("bigint", new BigInteger(42)), ("list", new List<object?> { 1 }), ("absent", null));

        var masked = (IDictionary<string, object?>)Make(false, ("fields", "int,string,bigint,list,absent")).Apply(Value(null, value))!.Value!;

        Assert.Equal(42, masked["magic"]);
        Assert.Equal(0, masked["int"]);
        Assert.Equal(string.Empty, masked["string"]);
        Assert.Equal(BigInteger.Zero, masked["bigint"]);
        Assert.Empty((System.Collections.IList)masked["list"]!);
        Assert.Null(masked["absent"]);
    }

    [Fact]
    public void A_replacement_is_converted_to_each_field_type()
    {
        var value = Map(("int", 42), ("long", 42L), ("double", 4.2), ("string", "secret"), ("decimal", 4.2m));

        var masked = (IDictionary<string, object?>)Make(false, ("fields", "int,long,double,string,decimal"), ("replacement", "123")).Apply(Value(null, value))!.Value!;

        Assert.Equal(123, masked["int"]);
        Assert.Equal(123L, masked["long"]);
        Assert.Equal(123d, masked["double"]);
        Assert.Equal("123", masked["string"]);
        Assert.Equal(123m, masked["decimal"]);
    }

    [Fact]
    public void Kafka_docs_example_masks_a_string_with_a_replacement()
    {
        var schema = SchemaBuilder.Struct().Field("ssn", Api.Data.Schema.StringSchema).Build();

        var masked = (Struct)Make(false, ("fields", "ssn"), ("replacement", "***-**-****")).Apply(Value(schema, new Struct(schema).Put("ssn", "123-45-6789")))!.Value!;

        Assert.Equal("***-**-****", masked.Get("ssn"));
    }

    [Fact]
    public void A_replacement_that_does_not_fit_the_type_is_refused()
    {
        var notNumber = Assert.Throws<DataException>(() => Make(false, ("fields", "int"), ("replacement", "abc")).Apply(Value(null, Map(("int", 1)))));
        var notMaskable = Assert.Throws<DataException>(() => Make(false, ("fields", "bool"), ("replacement", "abc")).Apply(Value(null, Map(("bool", true)))));

        Assert.Equal("Unable to convert abc (System.String) to number", notNumber.Message);
        Assert.Equal("Cannot mask value of type System.Boolean with custom replacement.", notMaskable.Message);
    }

    [Fact]
    public void Missing_or_empty_fields_and_an_empty_replacement_are_refused_naming_the_key()
    {
        Assert.Equal("Missing required configuration \"fields\" which has no default value.", Assert.Throws<ConfigException>(() => Make(false)).Message);
        Assert.Equal("Invalid value [] for configuration fields: Empty list", Assert.Throws<ConfigException>(() => Make(false, ("fields", ""))).Message);
        Assert.Equal("Invalid value  for configuration replacement: String must be non-empty",
            Assert.Throws<ConfigException>(() => Make(false, ("fields", "a"), ("replacement", ""))).Message);
    }

    [Fact]
    public void A_tombstone_passes_unchanged()
    {
        var record = Value(Schema, null);

        Assert.Same(record, Make(false, ("fields", "int")).Apply(record));
    }
}
