namespace ActorConnect.Security;

/// <summary>
/// Which configuration keys hold secrets, by Kafka's rules (its PASSWORD-typed client keys), under any prefix
/// (<c>producer.</c>, <c>consumer.override.</c>, <c>listeners.https.</c>, <c>cluster.</c>, ...). Their values never
/// go to logs, and validation answers mask them as Kafka Connect masks PASSWORD keys.
/// </summary>
public static class SecretKeys
{
    private static readonly string[] Exact =
    [
        "sasl.jaas.config",
        "ssl.keystore.key",
        "sasl.oauthbearer.client.secret",
        "sasl.oauthbearer.client.credentials.client.secret",
        "sasl.password",
        "ssl.key.pem",
        "basic.auth.user.info",
    ];

    /// <summary>True when <paramref name="key"/>, after any prefix, is a secret key: <c>*.password</c> or one of Kafka's other secret keys.</summary>
    public static bool IsSecret(string key) =>
        key.EndsWith(".password", StringComparison.OrdinalIgnoreCase)
        || key.Equals("password", StringComparison.OrdinalIgnoreCase)
        || Exact.Any(e => key.Equals(e, StringComparison.OrdinalIgnoreCase) || key.EndsWith("." + e, StringComparison.OrdinalIgnoreCase));
}
