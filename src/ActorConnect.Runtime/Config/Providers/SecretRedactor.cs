using System.Diagnostics.CodeAnalysis;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;
using ActorConnect.Security;

namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// Every value the worker's config providers have returned, each with the placeholder it stands for, and every value
/// of a secret key (<see cref="Hide"/>), shown as <c>[hidden]</c>; and the one step
/// that puts the placeholders back into any text leaving the runtime: statuses (<c>trace</c>, <c>last_error</c>),
/// log lines and the exceptions they carry, active topics, metric labels, span errors and validation messages. A
/// resolved value travels on into connector code, exception messages and client libraries, so text is redacted where
/// it leaves, not where the value goes in.
/// </summary>
/// <remarks>
/// Values are remembered for the worker's life (a rotated secret may still sit in an old task's exception), across
/// connectors: a value is no less secret in another connector's text. Values shorter than
/// <see cref="MinimumLength"/> characters are not redacted: replacing every "on" or "10" would garble statuses and
/// logs, and a value that short protects nothing. Thread-safe: providers resolve on task threads while supervisors
/// and loggers redact on theirs.
/// </remarks>
public sealed class SecretRedactor
{
    /// <summary>The shortest value redacted.</summary>
    public const int MinimumLength = 4;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _placeholders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    // Longest first, so a value that contains another is replaced whole. Replaced, never mutated: readers take no lock.
    private volatile KeyValuePair<string, string>[] _longestFirst = [];

    /// <summary>True until a provider has returned a value worth redacting.</summary>
    public bool IsEmpty => _longestFirst.Length == 0;

    /// <summary>True when <paramref name="text"/> holds a remembered value.</summary>
    public bool Holds(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var (value, _) in _longestFirst)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><paramref name="text"/> with every remembered value replaced by its placeholder.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var (value, placeholder) in _longestFirst)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                text = text.Replace(value, placeholder, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// <paramref name="text"/> with every placeholder whose value is remembered replaced by that value: for input that
    /// names a value as it was shown (an offset partition holding a file name a provider resolved), never for output.
    /// </summary>
    public string Restore(string text)
    {
        if (IsEmpty || !text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        lock (_gate)
        {
            foreach (var (placeholder, value) in _values)
            {
                text = text.Replace(placeholder, value, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>
    /// <paramref name="exception"/> itself when neither its message nor its rendering (inner exceptions and stack
    /// trace included) holds a remembered value; otherwise an exception that renders as it does, redacted.
    /// </summary>
    [return: NotNullIfNotNull(nameof(exception))]
    public Exception? Redact(Exception? exception)
    {
        if (exception is null || IsEmpty)
        {
            return exception;
        }

        var rendered = exception.ToString();
        return Holds(rendered) ? new RedactedException(Redact(exception.Message), Redact(rendered)) : exception;
    }

    /// <summary>Remembers that <paramref name="value"/> was resolved from <paramref name="placeholder"/>.</summary>
    internal void Remember(string value, string placeholder)
    {
        // A secret read from a file often ends in a newline that a message quoting it would not show.
        var trimmed = value.Trim();
        lock (_gate)
        {
            _values[placeholder] = value;
            if (Add(value, placeholder) | Add(trimmed, placeholder))
            {
                Reorder();
            }
        }
    }

    /// <summary>
    /// Remembers the values of <paramref name="config"/>'s secret keys (<see cref="SecretKeys.IsSecret"/>: passwords,
    /// <c>sasl.jaas.config</c>, under any prefix), and each password or secret option inside a
    /// <c>sasl.jaas.config</c>, to be shown as <c>[hidden]</c> (as Kafka Connect shows PASSWORD values) wherever text
    /// leaves the runtime. Never restored: <c>[hidden]</c> stands for no one value.
    /// </summary>
    public void Hide(IEnumerable<KeyValuePair<string, string>> config)
    {
        var values = SecretValues(config).ToList();
        if (values.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var added = false;
            foreach (var value in values)
            {
                added |= Add(value, Password.Hidden) | Add(value.Trim(), Password.Hidden);
            }

            if (added)
            {
                Reorder();
            }
        }
    }

    /// <summary>The values <see cref="Hide"/> remembers: those of secret keys, and the secret options of JAAS values.</summary>
    private static IEnumerable<string> SecretValues(IEnumerable<KeyValuePair<string, string>> config)
    {
        foreach (var (key, value) in config)
        {
            // An unresolved placeholder is not the secret; a resolved one is remembered by its provider.
            if (!SecretKeys.IsSecret(key) || ConfigProviders.HasPlaceholder(value))
            {
                continue;
            }

            yield return value;
            if (!key.EndsWith("sasl.jaas.config", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            JaasLoginModule? module = null;
            try
            {
                module = Jaas.ParseEntry(value, key);
            }
            catch (ConfigException)
            {
                // Refused where the client is built; the value as a whole is hidden.
            }

            foreach (var (option, optionValue) in module?.Options ?? new Dictionary<string, string>())
            {
                if (option.Contains("password", StringComparison.OrdinalIgnoreCase) || option.Contains("secret", StringComparison.OrdinalIgnoreCase))
                {
                    yield return optionValue;
                }
            }
        }
    }

    private void Reorder() =>
        _longestFirst = _placeholders.OrderByDescending(kv => kv.Key.Length).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToArray();

    private bool Add(string value, string placeholder) =>
        value.Length >= MinimumLength && value != placeholder && _placeholders.TryAdd(value, placeholder);

    /// <summary>Stands in for an exception whose text held a secret: same message and rendering, redacted.</summary>
    private sealed class RedactedException(string message, string rendered) : Exception(message)
    {
        public override string? StackTrace => null;

        public override string ToString() => rendered;
    }
}
