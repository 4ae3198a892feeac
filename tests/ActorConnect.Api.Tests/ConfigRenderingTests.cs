using ActorConnect.Api.Config;

namespace ActorConnect.Api.Tests;

/// <summary>What the validate API shows comes from here: values and defaults rendered as Kafka Connect renders them.</summary>
public class ConfigRenderingTests
{
    [Theory]
    [InlineData(ConfigType.Int, 42, "42")]
    [InlineData(ConfigType.Long, 60000L, "60000")]
    [InlineData(ConfigType.Boolean, true, "true")]
    [InlineData(ConfigType.Double, 1.0, "1.0")]
    [InlineData(ConfigType.Double, 0.25, "0.25")]
    [InlineData(ConfigType.String, "", "")]
    [InlineData(ConfigType.Class, "org.apache.kafka.connect.storage.StringConverter", "org.apache.kafka.connect.storage.StringConverter")]
    [InlineData(ConfigType.Password, "s3cret", "[hidden]")]
    [InlineData(ConfigType.String, null, null)]
    public void ConvertToString_matches_Kafka(ConfigType type, object? value, string? expected) =>
        Assert.Equal(expected, ConfigDef.ConvertToString(value, type));

    [Fact]
    public void Lists_are_comma_joined_and_passwords_hidden()
    {
        Assert.Equal("a,b", ConfigDef.ConvertToString(new[] { "a", "b" }, ConfigType.List));
        Assert.Equal("", ConfigDef.ConvertToString(Array.Empty<string>(), ConfigType.List));
        Assert.Equal("[hidden]", ConfigDef.ConvertToString(new Password("s3cret"), ConfigType.Password));
    }

    [Fact]
    public void Validate_shows_the_default_of_an_unset_key_and_null_for_one_that_does_not_parse()
    {
        var def = new ConfigDef()
            .Define("hosts", ConfigType.List, "a, b", Importance.Low, "Hosts.")
            .Define("batch.size", ConfigType.Int, 100, Importance.Low, "Batch size.")
            .Define("ratio", ConfigType.Double, 1.0, Importance.Low, "Ratio.");

        var byName = def.Validate(new Dictionary<string, string> { ["batch.size"] = "many" }).ToDictionary(v => v.Name);

        Assert.Equal("a,b", byName["hosts"].Value);
        Assert.Equal("1.0", byName["ratio"].Value);
        Assert.Null(byName["batch.size"].Value);
        Assert.Single(byName["batch.size"].Errors);
    }

    [Fact]
    public void Keys_carry_width_and_recommended_values_which_validation_reports()
    {
        var def = new ConfigDef().Define(new ConfigKey
        {
            Name = "mode",
            Type = ConfigType.String,
            HasDefault = true,
            DefaultValue = "fast",
            Width = ConfigWidth.Short,
            RecommendedValues = ["fast", "safe"],
            Dependents = ["mode.detail"],
        });

        Assert.Equal(ConfigWidth.Short, def["mode"]!.Width);
        Assert.Equal(ConfigWidth.None, new ConfigDef().Define("x", ConfigType.Int, 1, Importance.Low, "")["x"]!.Width);
        Assert.Equal(new object[] { "fast", "safe" }, Assert.Single(def.Validate(new Dictionary<string, string>())).RecommendedValues);
    }

    [Fact]
    public void A_list_in_a_validator_error_reads_as_Kafka_prints_it()
    {
        var def = new ConfigDef().Define("transforms", ConfigType.List, "", Importance.Low, "Aliases.",
            ConfigValidators.Lambda(v => v is IReadOnlyList<string> { Count: > 1 } ? "Too many." : null, "one alias"));

        var error = Assert.Single(Assert.Single(def.Validate(new Dictionary<string, string> { ["transforms"] = "a,b" })).Errors);
        Assert.Equal("Invalid value [a, b] for configuration transforms: Too many.", error);
    }

    [Fact]
    public void ConfigData_does_not_print_its_values()
    {
        var data = new ConfigData(new Dictionary<string, string> { ["db.password"] = "s3cret" }, TimeSpan.FromMinutes(5));
        Assert.DoesNotContain("s3cret", data.ToString(), StringComparison.Ordinal);
        Assert.Contains("db.password", data.ToString(), StringComparison.Ordinal);
    }
}
