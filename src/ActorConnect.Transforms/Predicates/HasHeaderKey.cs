using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms.Predicates;

/// <summary><c>org.apache.kafka.connect.transforms.predicates.HasHeaderKey</c>: true when the record has at least one header named <c>name</c>.</summary>
public sealed class HasHeaderKey : Predicate
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("name", ConfigType.String, Importance.Medium, "The header name.", ConfigValidators.NonEmptyString());

    private string _name = string.Empty;

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Predicate("HasHeaderKey");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config) => _name = config.GetString("name")!;

    /// <inheritdoc />
    public override bool Test(ConnectRecord record) => record.Headers.AllWithName(_name).Any();

    /// <inheritdoc />
    public override string ToString() => $"HasHeaderKey{{name='{_name}'}}";
}
