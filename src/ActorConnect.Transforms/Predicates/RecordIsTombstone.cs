using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms.Predicates;

/// <summary><c>org.apache.kafka.connect.transforms.predicates.RecordIsTombstone</c>: true when the record's value is null.</summary>
public sealed class RecordIsTombstone : Predicate
{
    private static readonly ConfigDef Definition = new();

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Predicate("RecordIsTombstone");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
    }

    /// <inheritdoc />
    public override bool Test(ConnectRecord record) => record.Value is null;

    /// <inheritdoc />
    public override string ToString() => "RecordIsTombstone{}";
}
