using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Tests;

public class ConfigDefTests
{
    private static ConfigDef Def() => new ConfigDef()
        .DefineRequired("topic", ConfigType.String, Importance.High, "The topic.", ConfigValidators.NonEmptyString(), group: "Common")
        .Define("batch.size", ConfigType.Int, 100, Importance.Medium, "Batch size.", ConfigValidators.Range(1, 10000), group: "Common")
        .Define("enabled", ConfigType.Boolean, "true", Importance.Low, "On or off.")
        .Define("ratio", ConfigType.Double, 0.5, Importance.Low, "A ratio.")
        .Define("offset", ConfigType.Long, 0L, Importance.Low, "An offset.")
        .Define("retries", ConfigType.Short, (short)3, Importance.Low, "Retries.")
        .Define("hosts", ConfigType.List, "a, b", Importance.Low, "Hosts.")
        .Define("mode", ConfigType.String, "fast", Importance.Low, "Mode.", ConfigValidators.ValidString("fast", "safe"))
        .Define("connector.class", ConfigType.Class, null, Importance.Low, "A class.")
        .Define("password", ConfigType.Password, null, Importance.High, "The secret.", group: "Security");

    private static IReadOnlyDictionary<string, string> Props(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Parses_every_type()
    {
        var parsed = Def().Parse(Props(
            ("topic", "orders"), ("batch.size", " 42 "), ("enabled", "FALSE"), ("ratio", "0.25"), ("offset", "9000000000"),
            ("retries", "7"), ("hosts", "x,y , z"), ("mode", "SAFE"), ("connector.class", "FileStreamSource"), ("password", "s3cret")));

        Assert.Equal("orders", parsed.GetString("topic"));
        Assert.Equal(42, parsed.GetInt("batch.size"));
        Assert.False(parsed.GetBoolean("enabled"));
        Assert.Equal(0.25, parsed.GetDouble("ratio"));
        Assert.Equal(9000000000L, parsed.GetLong("offset"));
        Assert.Equal((short)7, parsed.Get("retries"));
        Assert.Equal(new[] { "x", "y", "z" }, parsed.GetList("hosts"));
        Assert.Equal("SAFE", parsed.GetString("mode"));
        Assert.Equal("FileStreamSource", parsed.GetString("connector.class"));
        Assert.Equal("s3cret", parsed.GetPassword("password")!.Value);
        Assert.Equal("s3cret", parsed.GetString("password"));
        Assert.Equal("[hidden]", parsed.GetPassword("password")!.ToString());
    }

    [Fact]
    public void Applies_defaults_parsing_string_defaults()
    {
        var parsed = Def().Parse(Props(("topic", "t")));

        Assert.Equal(100, parsed.GetInt("batch.size"));
        Assert.True(parsed.GetBoolean("enabled"));
        Assert.Equal(new[] { "a", "b" }, parsed.GetList("hosts"));
        Assert.Equal("fast", parsed.GetString("mode"));
        Assert.Null(parsed.GetString("connector.class"));
        Assert.Null(parsed.GetPassword("password"));
    }

    [Fact]
    public void Keeps_unknown_keys_in_the_originals()
    {
        var parsed = Def().Parse(Props(("topic", "t"), ("value.converter.schemas.enable", "false"), ("value.converter", "x")));

        Assert.Equal("false", parsed.Originals["value.converter.schemas.enable"]);
        Assert.Equal(new Dictionary<string, string> { ["schemas.enable"] = "false" }, parsed.OriginalsWithPrefix("value.converter."));
        var e = Assert.Throws<ConfigException>(() => parsed.Get("value.converter"));
        Assert.Contains("value.converter", e.Message);
    }

    [Fact]
    public void Missing_required_key_uses_Kafkas_message()
    {
        var e = Assert.Throws<ConfigException>(() => Def().Parse(Props()));
        Assert.Equal("Missing required configuration \"topic\" which has no default value.", e.Message);
    }

    [Theory]
    [InlineData("batch.size", "abc", "Invalid value abc for configuration batch.size: Not a number of type INT")]
    [InlineData("batch.size", "99999999999", "Invalid value 99999999999 for configuration batch.size: Out of range for type INT")]
    [InlineData("batch.size", "0", "Invalid value 0 for configuration batch.size: Value must be at least 1")]
    [InlineData("batch.size", "10001", "Invalid value 10001 for configuration batch.size: Value must be no more than 10000")]
    [InlineData("enabled", "yes", "Invalid value yes for configuration enabled: Expected value to be either true or false")]
    [InlineData("ratio", "half", "Invalid value half for configuration ratio: Not a number of type DOUBLE")]
    [InlineData("offset", "1.5", "Invalid value 1.5 for configuration offset: Not a number of type LONG")]
    [InlineData("mode", "slow", "Invalid value slow for configuration mode: String must be one of: fast, safe")]
    [InlineData("topic", "", "Invalid value  for configuration topic: String must be non-empty")]
    public void Invalid_values_use_Kafkas_message(string key, string value, string message)
    {
        var props = new Dictionary<string, string> { ["topic"] = "t", [key] = value };
        var e = Assert.Throws<ConfigException>(() => Def().Parse(props));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Parse_reports_every_problem_at_once()
    {
        var e = Assert.Throws<ConfigException>(() => Def().Parse(Props(("batch.size", "x"), ("enabled", "maybe"))));
        Assert.Contains("Missing required configuration \"topic\"", e.Message);
        Assert.Contains("batch.size", e.Message);
        Assert.Contains("enabled", e.Message);
    }

    [Fact]
    public void Validate_returns_errors_per_key_and_hides_passwords()
    {
        var results = Def().Validate(Props(("batch.size", "0"), ("password", "s3cret"), ("mode", "fast")));
        var byName = results.ToDictionary(r => r.Name);

        Assert.Equal(Def().Keys.Select(k => k.Name), results.Select(r => r.Name));
        Assert.Equal(new[] { "Missing required configuration \"topic\" which has no default value." }, byName["topic"].Errors);
        Assert.Equal(new[] { "Invalid value 0 for configuration batch.size: Value must be at least 1" }, byName["batch.size"].Errors);
        Assert.Equal("0", byName["batch.size"].Value);
        Assert.Empty(byName["mode"].Errors);
        Assert.Empty(byName["password"].Errors);
        Assert.Equal("[hidden]", byName["password"].Value);
        Assert.DoesNotContain(results, r => Equals(r.Value, "s3cret") || r.Errors.Any(e => e.Contains("s3cret", StringComparison.Ordinal)));
    }

    [Fact]
    public void Validator_errors_on_passwords_do_not_leak_the_secret()
    {
        var def = new ConfigDef().Define("password", ConfigType.Password, null, Importance.High, "Secret.",
            ConfigValidators.Lambda(v => v is Password { Value.Length: < 8 } ? "Password must have at least 8 characters" : null, "8+ characters"));

        var result = Assert.Single(def.Validate(Props(("password", "short"))));
        Assert.Equal("[hidden]", result.Value);
        Assert.Equal("Invalid value [hidden] for configuration password: Password must have at least 8 characters", Assert.Single(result.Errors));
    }

    [Fact]
    public void Keys_may_be_defined_once()
    {
        var e = Assert.Throws<ConfigException>(() => new ConfigDef().Define("a", ConfigType.Int, 1, Importance.Low, "").Define("a", ConfigType.Int, 1, Importance.Low, ""));
        Assert.Equal("Configuration a is defined twice.", e.Message);
    }

    [Fact]
    public void Groups_and_order_in_group_follow_definition()
    {
        var def = Def();
        Assert.Equal(new[] { "Common", "Security" }, def.Groups);
        Assert.Equal(1, def["topic"]!.OrderInGroup);
        Assert.Equal(2, def["batch.size"]!.OrderInGroup);
        Assert.Equal(-1, def["ratio"]!.OrderInGroup);
        Assert.Null(def["nope"]);
    }

    [Fact]
    public void Merge_keeps_the_first_definition()
    {
        var a = new ConfigDef().Define("x", ConfigType.Int, 1, Importance.Low, "first");
        var b = new ConfigDef().Define("x", ConfigType.Int, 2, Importance.Low, "second").Define("y", ConfigType.String, "s", Importance.Low, "");
        var merged = a.Merge(b);

        Assert.Equal(new[] { "x", "y" }, merged.Keys.Select(k => k.Name));
        Assert.Equal("first", merged["x"]!.Documentation);
    }

    [Fact]
    public void Validators_describe_themselves()
    {
        Assert.Equal("[1,...,10]", ConfigValidators.Range(1, 10).Describe());
        Assert.Equal("[0,...]", ConfigValidators.AtLeast(0).Describe());
        Assert.Equal("[a, b]", ConfigValidators.ValidString("a", "b").Describe());
    }

    [Fact]
    public void ConfigException_names_the_key()
    {
        var e = new ConfigException("k", "v", "why");
        Assert.Equal("k", e.Name);
        Assert.Equal("Invalid value v for configuration k: why", e.Message);
    }
}
