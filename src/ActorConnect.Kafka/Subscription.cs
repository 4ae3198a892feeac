namespace ActorConnect.Kafka;

/// <summary>
/// Which topics a <see cref="KafkaConsumerSource"/> subscribes to: a fixed list, or every topic matching a regex.
/// </summary>
/// <remarks>
/// Why a type: Kafka Connect sinks are configured with either <c>topics</c> or <c>topics.regex</c>, and librdkafka
/// encodes a regex as a topic name starting with <c>^</c>; this keeps that convention in one place.
/// </remarks>
public sealed record Subscription
{
    private Subscription(IReadOnlyList<string> topics, string? pattern)
    {
        Topics = topics;
        Pattern = pattern;
    }

    /// <summary>The fixed topic list, empty for a pattern subscription.</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>The regex (anchored with <c>^</c>), or null for a topic list.</summary>
    public string? Pattern { get; }

    /// <summary>Subscribes to the given topics.</summary>
    public static Subscription ForTopics(params IEnumerable<string> topics)
    {
        var list = topics.ToArray();
        if (list.Length == 0 || list.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("At least one topic, and no empty topic name, is required", nameof(topics));
        if (list.FirstOrDefault(t => t.StartsWith('^')) is { } regexLike)
            throw new ArgumentException($"'{regexLike}' looks like a regex: use Subscription.ForPattern", nameof(topics));
        return new Subscription(list, null);
    }

    /// <summary>Subscribes to every topic, existing or future, whose name matches <paramref name="regex"/>.</summary>
    public static Subscription ForPattern(string regex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(regex);
        return new Subscription([], regex.StartsWith('^') ? regex : "^" + regex);
    }

    /// <summary>What to pass to librdkafka's Subscribe.</summary>
    internal IReadOnlyList<string> ToSubscribeList() => Pattern is null ? Topics : [Pattern];

    /// <inheritdoc />
    public override string ToString() => Pattern is null ? $"topics [{string.Join(", ", Topics)}]" : $"pattern {Pattern}";
}
