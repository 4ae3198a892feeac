using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config.Providers;
using ActorConnect.Runtime.Worker;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>
/// Config providers (KIP-297) as Kafka Connect's worker properties declare them, and placeholders put back into task
/// configs so the REST API never shows the secret.
/// </summary>
public sealed class ConfigProvidersTests
{
    private static Dictionary<string, string> Props(params (string Key, string Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Env_resolves_allowed_variables_and_leaves_other_ones_out()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable($"AC_DB_PASSWORD_{suffix}", "s3cret");
        Environment.SetEnvironmentVariable($"AC_OTHER_{suffix}", "not-for-you");
        using var providers = ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "env"),
            ("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider"),
            ("config.providers.env.param.allowlist.pattern", "AC_DB_.*")));

        var resolved = providers.Resolve(Props(("connection.password", $"${{env:AC_DB_PASSWORD_{suffix}}}"), ("plain", "x")));
        Assert.Equal("s3cret", resolved["connection.password"]);
        Assert.Equal("x", resolved["plain"]);

        var refused = Assert.Throws<ConfigException>(() => providers.Resolve(Props(("other", $"${{env:AC_OTHER_{suffix}}}"))));
        Assert.Contains($"${{env:AC_OTHER_{suffix}}}", refused.Message);
        Assert.Contains("other", refused.Message);
        Assert.DoesNotContain("not-for-you", refused.Message);
    }

    [Fact]
    public void File_resolves_keys_of_a_properties_file_several_per_value()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        var file = Path.Combine(dir.Path, "secrets.properties");
        File.WriteAllText(file, "db.user=app\ndb.password = p@ss:word\n");
        using var providers = ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "file"), ("config.providers.file.class", "FileConfigProvider"),
            ("config.providers.file.param.allowed.paths", dir.Path)));

        var resolved = providers.Resolve(Props(("connection.url", $"jdbc:pg://h/db?user=${{file:{file}:db.user}}&password=${{file:{file}:db.password}}")));

        Assert.Equal("jdbc:pg://h/db?user=app&password=p@ss:word", resolved["connection.url"]);
    }

    [Fact]
    public void Directory_resolves_one_file_per_key_as_is()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        File.WriteAllText(Path.Combine(dir.Path, "db-password"), "from-a-docker-secret");
        using var providers = ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "directory"), ("config.providers.directory.class", "org.apache.kafka.common.config.provider.DirectoryConfigProvider"),
            ("config.providers.directory.param.allowed.paths", dir.Path)));

        var resolved = providers.Resolve(Props(("db.password", $"${{directory:{dir.Path}:db-password}}")));

        Assert.Equal("from-a-docker-secret", resolved["db.password"]);
    }

    [Fact]
    public void A_path_outside_allowed_paths_is_refused_without_reading_it()
    {
        using var allowed = RepoPaths.CreateTempDirectory("providers");
        using var other = RepoPaths.CreateTempDirectory("providers");
        var file = Path.Combine(other.Path, "secrets.properties");
        File.WriteAllText(file, "db.password=s3cret\n");
        using var providers = ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "file,dir"),
            ("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"),
            ("config.providers.file.param.allowed.paths", allowed.Path),
            ("config.providers.dir.class", "DirectoryConfigProvider"),
            ("config.providers.dir.param.allowed.paths", allowed.Path)));

        var error = Assert.Throws<ConfigException>(() => providers.Resolve(Props(("db.password", $"${{file:{file}:db.password}}"))));
        Assert.Contains($"Config key db.password: placeholder ${{file:{file}:db.password}} cannot be resolved", error.Message);
        Assert.Contains("not allowed", error.Message);
        Assert.Contains("allowed.paths", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);

        var traversal = Path.Combine(allowed.Path, "..", Path.GetFileName(other.Path));
        Assert.Throws<ConfigException>(() => providers.Resolve(Props(("db.password", $"${{dir:{traversal}:secrets.properties}}"))));
    }

    [Fact]
    public void Without_a_limit_set_a_provider_resolves_nothing_and_says_which_worker_key_to_set()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        var file = Path.Combine(dir.Path, "secrets.properties");
        File.WriteAllText(file, "db.password=s3cret-in-a-file\n");
        File.WriteAllText(Path.Combine(dir.Path, "db-password"), "s3cret-in-a-folder");
        var variable = $"AC_UNLIMITED_{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}";
        Environment.SetEnvironmentVariable(variable, "s3cret-in-the-env");
        var warnings = new List<string>();
        using var providers = ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "env,file,dir"),
            ("config.providers.env.class", "EnvVarConfigProvider"),
            ("config.providers.file.class", "FileConfigProvider"),
            ("config.providers.dir.class", "DirectoryConfigProvider")), warnings.Add);

        Assert.Equal(3, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("config.providers.env.param.allowlist.pattern", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("config.providers.file.param.allowed.paths", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("config.providers.dir.param.allowed.paths", StringComparison.Ordinal));
        foreach (var (placeholder, key) in new[]
                 {
                     ($"${{env:{variable}}}", "config.providers.env.param.allowlist.pattern"),
                     ($"${{file:{file}:db.password}}", "config.providers.file.param.allowed.paths"),
                     ($"${{dir:{dir.Path}:db-password}}", "config.providers.dir.param.allowed.paths"),
                 })
        {
            var error = Assert.Throws<ConfigException>(() => providers.Resolve(Props(("connection.url", $"jdbc:pg://h/db?password={placeholder}"))));
            Assert.Contains($"Config key connection.url: placeholder {placeholder} cannot be resolved", error.Message, StringComparison.Ordinal);
            Assert.Contains(key, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_relative_allowed_path_is_rejected_at_start()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "file"), ("config.providers.file.class", "FileConfigProvider"),
            ("config.providers.file.param.allowed.paths", "relative/secrets"))));
        Assert.Equal("allowed.paths", error.Name);
    }

    [Fact]
    public void A_missing_key_fails_naming_the_placeholder_and_the_config_key_never_a_value()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        var file = Path.Combine(dir.Path, "secrets.properties");
        File.WriteAllText(file, "db.password=s3cret\n");
        using var providers = ConfigProviders.FromWorkerProperties(Props(("config.providers", "file"), ("config.providers.file.class", "FileConfigProvider"),
            ("config.providers.file.param.allowed.paths", dir.Path)));

        var error = Assert.Throws<ConfigException>(() => providers.Resolve(Props(("db.password", $"${{file:{file}:db.pasword}}"))));

        Assert.Contains($"${{file:{file}:db.pasword}}", error.Message);
        Assert.Contains("Config key db.password", error.Message);
        Assert.Contains("'db.pasword'", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void A_placeholder_of_a_provider_not_configured_is_left_as_it_is_with_one_warning_naming_the_key()
    {
        var warnings = new List<string>();
        using var providers = ConfigProviders.FromWorkerProperties(Props(), warnings.Add);

        var resolved = providers.Resolve(Props(("db.password", "${vault:secret/db:password}"), ("plain", "x")));

        Assert.Equal("${vault:secret/db:password}", resolved["db.password"]);
        var warning = Assert.Single(warnings);
        Assert.Contains("db.password", warning);
        Assert.Contains("'vault'", warning);
    }

    [Fact]
    public void A_provider_without_a_class_or_with_an_unknown_one_fails_at_start_naming_the_key()
    {
        var noClass = Assert.Throws<ConfigException>(() => ConfigProviders.FromWorkerProperties(Props(("config.providers", "file"))));
        Assert.Contains("config.providers.file.class", noClass.Message);

        var unknown = Assert.Throws<ConfigException>(() => ConfigProviders.FromWorkerProperties(Props(
            ("config.providers", "vault"), ("config.providers.vault.class", "io.confluent.csid.config.provider.vault.VaultConfigProvider"))));
        Assert.Equal("config.providers.vault.class", unknown.Name);
    }

    [Fact]
    public void Reverse_transform_puts_the_placeholders_back_into_task_configs()
    {
        var raw = Props(("name", "jdbc"), ("connection.password", "${file:/opt/secrets.properties:db.password}"), ("connection.url", "jdbc:pg://h/db"), ("unused", "${env:X}"));
        var task = Props(("name", "jdbc"), ("connection.password", "s3cret"), ("connection.url", "jdbc:pg://h/db"), ("task.id", "0"));

        var shown = ConfigProviders.ReverseTransform(raw, task);

        Assert.Equal(Props(("name", "jdbc"), ("connection.password", "${file:/opt/secrets.properties:db.password}"), ("connection.url", "jdbc:pg://h/db"), ("task.id", "0")), shown);
        Assert.Equal(shown, Assert.Single(ConfigProviders.ReverseTransform(raw, [task])));
    }

    [Fact]
    public void The_worker_validates_the_resolved_config_and_keeps_the_placeholders()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        File.WriteAllText(Path.Combine(dir.Path, "topic"), "orders");
        using var providers = ConfigProviders.FromWorkerProperties(Props(("config.providers", "dir"), ("config.providers.dir.class", "DirectoryConfigProvider"),
            ("config.providers.dir.param.allowed.paths", dir.Path)));
        var props = Props(("name", "src"), ("connector.class", "FileStreamSource"), ("topic", $"${{dir:{dir.Path}:topic}}"));

        var (config, _) = ConnectorValidator.Validate(props, ConnectorConfigValidatorTests.Registry, providers, Runtime.Config.ClientConfigOverridePolicy.Default);

        Assert.Equal(props["topic"], config.Originals["topic"]);
    }

    [Fact]
    public void A_validation_error_quoting_a_resolved_value_in_its_reason_shows_the_placeholder()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        File.WriteAllText(Path.Combine(dir.Path, "url"), "postgres://app:s3cret@db/app");
        using var providers = ConfigProviders.FromWorkerProperties(Props(("config.providers", "dir"), ("config.providers.dir.class", "DirectoryConfigProvider"),
            ("config.providers.dir.param.allowed.paths", dir.Path)));
        var placeholder = $"${{dir:{dir.Path}:url}}";
        var props = Props(("name", "s"), ("topics", "t"), ("db.password", "long-enough"), ("db.url", placeholder));

        var infos = new Runtime.Validation.ConnectorConfigValidator(ConnectorConfigValidatorTests.Registry).Validate("SecretSink", props, providers);

        Assert.Equal([$"Invalid value {placeholder} for configuration db.url: {placeholder} is not a JDBC URL"], infos.Configs.Single(c => c.Definition.Name == "db.url").Value.Errors);
        var atCreate = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(
            new Dictionary<string, string>(props) { ["connector.class"] = "SecretSink" }, ConnectorConfigValidatorTests.Registry, providers, Runtime.Config.ClientConfigOverridePolicy.Default));
        Assert.Contains($"{placeholder} is not a JDBC URL", atCreate.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", atCreate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_of_a_resolved_config_shows_placeholders_never_the_values()
    {
        using var dir = RepoPaths.CreateTempDirectory("providers");
        File.WriteAllText(Path.Combine(dir.Path, "topic"), "s3cret,x");
        using var providers = ConfigProviders.FromWorkerProperties(Props(("config.providers", "dir"), ("config.providers.dir.class", "DirectoryConfigProvider"),
            ("config.providers.dir.param.allowed.paths", dir.Path)));
        var placeholder = $"${{dir:{dir.Path}:topic}}";
        var props = Props(("name", "src"), ("topic", placeholder));

        var infos = new Runtime.Validation.ConnectorConfigValidator(ConnectorConfigValidatorTests.Registry).Validate("FileStreamSource", props, providers);

        var topic = infos.Configs.Single(c => c.Definition.Name == "topic").Value;
        Assert.Equal(placeholder, topic.Value);
        Assert.StartsWith($"Invalid value {placeholder} for configuration topic:", Assert.Single(topic.Errors));
        Assert.DoesNotContain(infos.Configs, c => (c.Value.Value ?? "").Contains("s3cret", StringComparison.Ordinal) || c.Value.Errors.Any(e => e.Contains("s3cret", StringComparison.Ordinal)));

        var atCreate = Assert.Throws<ConfigException>(() => ConnectorValidator.Validate(
            Props(("name", "src"), ("connector.class", "FileStreamSource"), ("topic", placeholder)), ConnectorConfigValidatorTests.Registry, providers, Runtime.Config.ClientConfigOverridePolicy.Default));
        Assert.DoesNotContain("s3cret", atCreate.Message, StringComparison.Ordinal);
    }
}
