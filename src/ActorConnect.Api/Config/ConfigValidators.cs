using System.Globalization;
using ActorConnect.Api.Errors;

namespace ActorConnect.Api.Config;

/// <summary>Checks a parsed value; throws <see cref="ConfigException"/> naming the key and what would be accepted.</summary>
public interface IConfigValidator
{
    /// <summary>Validates <paramref name="value"/> of key <paramref name="name"/>.</summary>
    void EnsureValid(string name, object? value);

    /// <summary>A short description of what is accepted, for docs and error messages.</summary>
    string Describe();
}

/// <summary>The validators Kafka Connect's ConfigDef offers, under the same names.</summary>
public static class ConfigValidators
{
    /// <summary>A number within [min, max] (either bound may be null).</summary>
    public static IConfigValidator Range(double? min, double? max) => new RangeValidator(min, max);

    /// <summary>A number at least <paramref name="min"/>.</summary>
    public static IConfigValidator AtLeast(double min) => new RangeValidator(min, null);

    /// <summary>One of the listed strings (case-insensitive, as Kafka's CaseInsensitiveValidString).</summary>
    public static IConfigValidator ValidString(params string[] allowed) => new ValidStringValidator(allowed);

    /// <summary>A string that is not empty.</summary>
    public static IConfigValidator NonEmptyString() => new NonEmptyStringValidator();

    /// <summary>A custom check: <paramref name="check"/> returns an error text, or null when valid.</summary>
    public static IConfigValidator Lambda(Func<object?, string?> check, string description) => new LambdaValidator(check, description);

    private sealed class RangeValidator(double? min, double? max) : IConfigValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is null)
            {
                return;
            }

            var d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            if (min is { } lo && d < lo)
            {
                throw new ConfigException(name, value, $"Value must be at least {lo.ToString(CultureInfo.InvariantCulture)}");
            }

            if (max is { } hi && d > hi)
            {
                throw new ConfigException(name, value, $"Value must be no more than {hi.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        public string Describe() => (min, max) switch
        {
            (null, null) => "[...]",
            ({ } lo, null) => $"[{lo.ToString(CultureInfo.InvariantCulture)},...]",
            (null, { } hi) => $"[...,{hi.ToString(CultureInfo.InvariantCulture)}]",
            ({ } lo, { } hi) => $"[{lo.ToString(CultureInfo.InvariantCulture)},...,{hi.ToString(CultureInfo.InvariantCulture)}]",
        };
    }

    private sealed class ValidStringValidator(string[] allowed) : IConfigValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is string s && !allowed.Contains(s, StringComparer.OrdinalIgnoreCase))
            {
                throw new ConfigException(name, value, $"String must be one of: {string.Join(", ", allowed)}");
            }
        }

        public string Describe() => "[" + string.Join(", ", allowed) + "]";
    }

    private sealed class NonEmptyStringValidator : IConfigValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (value is string s && s.Length == 0)
            {
                throw new ConfigException(name, value, "String must be non-empty");
            }
        }

        public string Describe() => "non-empty string";
    }

    private sealed class LambdaValidator(Func<object?, string?> check, string description) : IConfigValidator
    {
        public void EnsureValid(string name, object? value)
        {
            if (check(value) is { } error)
            {
                // Lists read as Java prints them ("[a, b]"), as in Kafka's messages, not as a .NET type name.
                var shown = value is IEnumerable<string> items ? "[" + string.Join(", ", items) + "]" : value;
                throw new ConfigException(name, shown, error);
            }
        }

        public string Describe() => description;
    }
}
