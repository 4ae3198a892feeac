namespace ActorConnect.Runtime.Model;

/// <summary>
/// A config key nothing reads: accepted, as Kafka Connect accepts it, but worth a warning, since it is most often a
/// typo whose setting silently keeps its default.
/// </summary>
/// <param name="Key">The key as written.</param>
/// <param name="Suggestion">The known key it is probably a typo of, or null when none is close.</param>
/// <param name="Reason">Why it is not read, when more can be said than that nothing defines it.</param>
public sealed record UnknownKey(string Key, string? Suggestion, string? Reason = null)
{
    /// <summary>The warning, as logged at start, printed by <c>validate</c> and returned by the validate endpoint.</summary>
    public string Message =>
        $"Unknown configuration '{Key}' is ignored"
        + (Reason is null ? string.Empty : $": {Reason}")
        + (Suggestion is null ? string.Empty : $"; did you mean '{Suggestion}'?");
}
