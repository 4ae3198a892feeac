using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms.Predicates;

/// <summary><c>org.apache.kafka.connect.transforms.predicates.TopicNameMatches</c>: true when <c>pattern</c> matches the whole topic name.</summary>
public sealed class TopicNameMatches : Predicate
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("pattern", ConfigType.String, Importance.Medium, "A Java regular expression for matching against the name of a record's topic.",
            ConfigValidators.Lambda(v => v switch
            {
                string { Length: 0 } => "String must be non-empty",
                string s when JavaRegex.Problem(s) is { } problem => "Invalid regex: " + problem,
                _ => null,
            }, "non-empty string, valid regex"));

    private Regex? _pattern;
    private string _patternText = string.Empty;

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Predicate("TopicNameMatches");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        var pattern = _patternText = config.GetString("pattern")!;
        try
        {
            _pattern = JavaRegex.WholeMatch(pattern);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException("pattern", pattern, "entry must be a Java-compatible regular expression: " + e.Message);
        }
    }

    /// <inheritdoc />
    public override bool Test(ConnectRecord record) => record.Topic is not null && _pattern!.IsMatch(record.Topic);

    /// <inheritdoc />
    public override string ToString() => $"TopicNameMatches{{pattern={_patternText}}}";
}
