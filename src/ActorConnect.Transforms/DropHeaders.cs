using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary><c>org.apache.kafka.connect.transforms.DropHeaders</c>: removes every header whose key is listed in <c>headers</c>.</summary>
public sealed class DropHeaders : Transformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("headers", ConfigType.List, Importance.High, "The name of the headers to be removed.", TransformConfig.NonEmptyList());

    private HashSet<string> _headers = [];

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("DropHeaders");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config) => _headers = [.. config.GetList("headers")];

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) =>
        record with { Headers = new ConnectHeaders(record.Headers.Where(h => !_headers.Contains(h.Key))) };
}
