using ActorConnect.Api.Errors;

namespace ActorConnect.Runtime.Config;

/// <summary>
/// The one rule for what may name a connector, in both modes and on every way in (REST, connector files, the stored
/// configs read at start): Kafka Connect's (not empty, no ISO control characters) plus what the REST API needs to
/// reach the connector by URL: no <c>/</c> (a path separator even when escaped as <c>%2F</c>), not <c>.</c> or
/// <c>..</c> (dot segments that URLs resolve away), and at most <see cref="MaxLength"/> characters, so that
/// <c>/connectors/{name}/tasks/{id}/restart</c> with the name percent-encoded stays within the 8 KiB request line HTTP
/// servers accept.
/// </summary>
public static class ConnectorNames
{
    /// <summary>The longest name accepted; even with every character percent-encoded, its URLs stay under 8 KiB.</summary>
    public const int MaxLength = 512;

    /// <summary>The rule in a few words, for the validate API's key listing.</summary>
    public const string Rule = "non-empty string without ISO control characters or '/', other than '.' and '..', at most 512 characters";

    /// <summary>Why <paramref name="name"/> cannot name a connector, or null when it can.</summary>
    public static string? Problem(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "String may not be empty";
        }

        if (name.Any(char.IsControl))
        {
            // Kafka Connect's wording, so scripts that match on it still match.
            return "String may not contain control sequences but had the following ASCII chars: " + string.Join(", ", name.Where(char.IsControl).Select(c => (int)c));
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return "a connector name may not contain '/': no URL could reach the connector (/connectors/a%2Fb names a connector called 'a%2Fb'). Use another character, such as '-' or '.'";
        }

        if (name is "." or "..")
        {
            return $"a connector name may not be '{name}': URLs resolve '{name}' away, so no URL could reach the connector. Choose another name";
        }

        return name.Length > MaxLength
            ? $"a connector name may have at most {MaxLength} characters (this one has {name.Length}): longer ones make URLs that HTTP servers refuse"
            : null;
    }
}
