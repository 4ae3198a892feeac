using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// <c>org.apache.kafka.connect.transforms.RegexRouter</c>: when <c>regex</c> matches the whole topic, the topic
/// becomes <c>replacement</c> with the groups filled in (<c>$1</c>); other topics are left alone.
/// </summary>
public sealed class RegexRouter : Transformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("regex", ConfigType.String, Importance.High, "Regular expression to use for matching.", TransformConfig.ValidRegex())
        .DefineRequired("replacement", ConfigType.String, Importance.High, "Replacement string.");

    private Regex? _regex;
    private string _replacement = string.Empty;

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("RegexRouter");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _regex = JavaRegex.WholeMatch(config.GetString("regex")!);
        _replacement = JavaRegex.Replacement(config.GetString("replacement")!);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var match = _regex!.Match(record.Topic);
        return match.Success ? record with { Topic = match.Result(_replacement) } : record;
    }
}
