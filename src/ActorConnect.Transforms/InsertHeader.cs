using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// <c>org.apache.kafka.connect.transforms.InsertHeader</c>: adds a header <c>header</c> to every record, its value
/// <c>value.literal</c> typed as Kafka types a literal (<c>42</c> an int8, <c>true</c> a boolean, text a string).
/// </summary>
public sealed class InsertHeader : Transformation
{
    private static readonly ConfigDef Definition = new ConfigDef()
        .DefineRequired("header", ConfigType.String, Importance.High, "The name of the header.")
        .DefineRequired("value.literal", ConfigType.String, Importance.High, "The literal value that is to be set as the header value on all records.");

    private string _header = string.Empty;
    private SchemaAndValue _value = SchemaAndValue.Null;

    /// <summary>The names Kafka Connect configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = KafkaNames.Transform("InsertHeader");

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _header = config.GetString("header")!;
        _value = LiteralValues.Parse(config.GetString("value.literal")!);
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record) =>
        record with { Headers = record.Headers.Add(new Header(_header, _value.Schema, _value.Value)) };
}
