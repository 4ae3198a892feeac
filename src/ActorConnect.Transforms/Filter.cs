using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// <c>org.apache.kafka.connect.transforms.Filter</c>: drops every record. Meant to be used with a predicate
/// (<c>transforms.X.predicate</c>, optionally <c>negate</c>) so that it drops only the records that match.
/// </summary>
public sealed class Filter : Transformation
{
    private static readonly ConfigDef Definition = new();

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("Filter");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) => null;
}
