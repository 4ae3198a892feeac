using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// <c>org.apache.kafka.connect.transforms.TimestampRouter</c>: the topic becomes <c>topic.format</c> with
/// <c>${topic}</c> and <c>${timestamp}</c> (the record timestamp in <c>timestamp.format</c>, UTC) filled in.
/// </summary>
public sealed class TimestampRouter : Transformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .Define("topic.format", ConfigType.String, "${topic}-${timestamp}", Importance.High,
            "Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively.")
        .Define("timestamp.format", ConfigType.String, "yyyyMMdd", Importance.High,
            "Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>.",
            ConfigValidators.Lambda(v => v is string s ? DateFormatProblem(s) : null, "a java.text.SimpleDateFormat pattern"));

    private string _topicFormat = string.Empty;
    private JavaDateFormat _timestampFormat = JavaDateFormat.Create("yyyyMMdd");

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("TimestampRouter");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _topicFormat = config.GetString("topic.format")!;
        _timestampFormat = JavaDateFormat.Create(config.GetString("timestamp.format")!);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var timestamp = record.Timestamp ?? throw new DataException($"Timestamp missing on record: {record}");
        var formatted = _timestampFormat.Format(timestamp.UtcDateTime);
        return record with { Topic = _topicFormat.Replace("${topic}", record.Topic).Replace("${timestamp}", formatted) };
    }

    internal static string? DateFormatProblem(string pattern)
    {
        try
        {
            JavaDateFormat.Create(pattern);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
