using ActorConnect.Api.Config;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Source;

namespace ActorConnect.Rest.Tests.TestConnectors;

/// <summary>
/// A source written without care for secrets, as real ones are: its <c>db.password</c> is a STRING whose check quotes
/// the value, and its task fails at start with a message quoting its whole config (as drivers quote connection
/// strings). The runtime must still keep every secret out of answers and logs.
/// </summary>
public sealed class CarelessSecretSourceConnector : SourceConnector
{
    private IReadOnlyDictionary<string, string> _props = new Dictionary<string, string>();

    public override string Version => "1.0-test";

    public override Type TaskType => typeof(CarelessSecretSourceTask);

    public override ConfigDef Config() => new ConfigDef()
        .DefineRequired("db.password", ConfigType.String, Importance.High, "The database password.",
            ConfigValidators.Lambda(v => v is string { Length: < 12 } ? "Password must have at least 12 characters" : null, "12+ characters"));

    public override void Start(IReadOnlyDictionary<string, string> props) => _props = props;

    public override IReadOnlyList<IReadOnlyDictionary<string, string>> TaskConfigs(int maxTasks) => [_props];

    public override void Stop()
    {
    }
}

public sealed class CarelessSecretSourceTask : SourceTask
{
    public override string Version => "1.0-test";

    public override void Start(IReadOnlyDictionary<string, string> props) =>
        throw new InvalidOperationException("Login refused with config {" + string.Join(", ", props.Select(kv => $"{kv.Key}={kv.Value}")) + "}");

    public override IReadOnlyList<SourceRecord>? Poll() => null;

    public override void Stop()
    {
    }
}
