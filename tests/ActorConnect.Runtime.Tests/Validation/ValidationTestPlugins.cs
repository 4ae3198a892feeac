using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Source;
using ActorConnect.Api.Transforms;

namespace ActorConnect.Runtime.Tests.Validation;

/// <summary>A transformation with one key of its own, standing in for the SMTs another issue brings.</summary>
public sealed class MaskFieldTransformation : ITransformation<SourceRecord>
{
    public static IReadOnlyList<string> Aliases { get; } = ["org.apache.kafka.connect.transforms.MaskField$Value"];

    public ConfigDef Config() => new ConfigDef()
        .DefineRequired("fields", ConfigType.List, Importance.High, "Names of fields to mask.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public SourceRecord? Apply(SourceRecord record) => record;

    public void Dispose()
    {
    }
}

/// <summary>A predicate with one key of its own.</summary>
public sealed class TopicNameMatchesPredicate : IPredicate<SourceRecord>
{
    public static IReadOnlyList<string> Aliases { get; } = ["org.apache.kafka.connect.transforms.predicates.TopicNameMatches"];

    public ConfigDef Config() => new ConfigDef()
        .DefineRequired("pattern", ConfigType.String, Importance.Medium, "A Java regular expression for matching against the name of a record's topic.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public bool Test(SourceRecord record) => true;

    public void Dispose()
    {
    }
}

/// <summary>
/// A sink with a secret, whose own Validate echoes values back, and whose <c>db.url</c> check quotes the value in its
/// reason: the runtime must still hide the secret.
/// </summary>
public sealed class SecretSinkConnector : SinkConnector
{
    public override string Version => "9.9.9";

    public override Type TaskType => typeof(object);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired("db.password", ConfigType.Password, Importance.High, "The secret.",
            ConfigValidators.Lambda(v => v is Password { Value.Length: < 8 } ? "Password must have at least 8 characters" : null, "8+ characters"),
            group: "Database")
        .Define("db.user", ConfigType.String, "admin", Importance.High, "The user.", group: "Database")
        .Define("db.url", ConfigType.String, "jdbc:postgresql://localhost/db", Importance.Medium, "The database.",
            ConfigValidators.Lambda(v => v is string s && !s.StartsWith("jdbc:", StringComparison.Ordinal) ? $"{s} is not a JDBC URL" : null, "a jdbc: URL"),
            group: "Database");

    public override IReadOnlyList<ConfigValue> Validate(IReadOnlyDictionary<string, string> props) =>
        base.Validate(props).Select(v => v with { Value = props.GetValueOrDefault(v.Name) }).ToList();

    public override void Start(IReadOnlyDictionary<string, string> props)
    {
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [];

    public override void Stop()
    {
    }
}
