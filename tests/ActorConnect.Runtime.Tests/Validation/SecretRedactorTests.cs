using ActorConnect.Runtime.Config.Providers;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>The one step that puts placeholders back into text leaving the runtime, fed by what the providers resolved.</summary>
public sealed class SecretRedactorTests
{
    [Fact]
    public void Every_resolved_value_is_redacted_to_its_placeholder_the_longest_first_and_values_too_short_are_left()
    {
        var (secrets, p) = Resolving(("LONG", "pass-word-2"), ("PART", "pass"), ("TINY", "on"), ("FILE", "from-a-file\n"));

        Assert.Equal($"${{env:{p}LONG}} ${{env:{p}PART}} ${{env:{p}FILE}} on", secrets.Redact("pass-word-2 pass from-a-file on"));
        Assert.Equal("nothing to hide", secrets.Redact("nothing to hide"));
        Assert.Null(secrets.Redact((string?)null));
    }

    [Fact]
    public void An_exception_quoting_a_secret_in_an_inner_exception_renders_redacted_and_one_that_does_not_stays_itself()
    {
        var (secrets, p) = Resolving(("DB", "pw-0123456789"));
        Exception thrown;
        try
        {
            throw new InvalidOperationException("login failed", new IOException("server refused pw-0123456789"));
        }
        catch (Exception e)
        {
            thrown = e;
        }

        var redacted = secrets.Redact(thrown);

        Assert.Equal("login failed", redacted.Message);
        Assert.Contains($"server refused ${{env:{p}DB}}", redacted.ToString(), StringComparison.Ordinal);
        Assert.Contains(nameof(An_exception_quoting_a_secret_in_an_inner_exception_renders_redacted_and_one_that_does_not_stays_itself), redacted.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw-0123456789", redacted.ToString(), StringComparison.Ordinal);
        var clean = new InvalidOperationException("nothing secret");
        Assert.Same(clean, secrets.Redact(clean));
    }

    /// <summary>A redactor that has seen the env provider resolve each (variable, value); the variables' name prefix.</summary>
    private static (SecretRedactor Secrets, string Prefix) Resolving(params (string Variable, string Value)[] variables)
    {
        var prefix = $"AC_REDACT_{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}_";
        foreach (var (variable, value) in variables)
        {
            Environment.SetEnvironmentVariable(prefix + variable, value);
        }

        using var providers = ConfigProviders.FromWorkerProperties(new Dictionary<string, string>
        {
            ["config.providers"] = "env",
            ["config.providers.env.class"] = "EnvVarConfigProvider",
            ["config.providers.env.param.allowlist.pattern"] = prefix + ".*",
        });
        providers.Resolve(variables.ToDictionary(v => v.Variable, v => $"${{env:{prefix}{v.Variable}}}"));
        return (providers.Secrets, prefix);
    }
}
