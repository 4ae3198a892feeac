using ActorConnect.Api.Errors;
using ActorConnect.Security;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>
/// Java's SASL keys to librdkafka's. Only Kafka's own login modules are taken, and only as data: their options become
/// librdkafka settings, and no module is ever loaded, so a JAAS entry cannot make the worker run code (CVE-2023-25194's
/// JNDI login module is refused like any other).
/// </summary>
internal static class SaslTranslation
{
    private const string Plain = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private const string Scram = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private const string OAuthBearer = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private const string OAuthBearerOld = "org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler";
    private const string OidcCallbackHandler = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler";
    private const string OidcCallbackHandlerOld = "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler";

    /// <summary>Adds librdkafka's SASL properties; returns the mechanism.</summary>
    public static string Apply(IReadOnlyDictionary<string, string> props, string prefix, Dictionary<string, string> properties,
        List<string> description, Action<string, string> unsupported)
    {
        var mechanismKey = prefix + "sasl.mechanism";
        var mechanism = props.GetValueOrDefault("sasl.mechanism")?.Trim() is { Length: > 0 } m ? m.ToUpperInvariant() : "GSSAPI";
        var jaasKey = prefix + "sasl.jaas.config";
        var jaas = props.GetValueOrDefault("sasl.jaas.config") is { Length: > 0 } text ? Jaas.ParseEntry(text, jaasKey) : null;
        switch (mechanism)
        {
            case "PLAIN":
            case "SCRAM-SHA-256":
            case "SCRAM-SHA-512":
            {
                var expected = mechanism == "PLAIN" ? Plain : Scram;
                var module = Require(jaas, jaasKey, expected, mechanism);
                properties["sasl.username"] = Option(module, "username", jaasKey);
                properties["sasl.password"] = Option(module, "password", jaasKey);
                description.Add($"SASL {mechanism} as '{properties["sasl.username"]}' ({jaasKey})");
                break;
            }

            case "OAUTHBEARER":
                ApplyOAuthBearer(props, prefix, jaas, jaasKey, properties, description);
                break;
            case "GSSAPI":
                throw new ConfigException(mechanismKey, mechanism,
                    (props.ContainsKey("sasl.mechanism") ? "" : "GSSAPI is Kafka's default when sasl.mechanism is not set. ") +
                    "Kerberos (GSSAPI) is not available: the librdkafka bundled with ActorConnect is built without it (its SASL mechanisms: " +
                    "PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER). Set sasl.mechanism to one of those");
            default:
                throw new ConfigException(mechanismKey, mechanism, "use PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER");
        }

        properties["sasl.mechanisms"] = mechanism;
        if (props.GetValueOrDefault("sasl.kerberos.service.name") is { } service)
        {
            properties["sasl.kerberos.service.name"] = service;
        }

        foreach (var key in props.Keys.Where(k => k.StartsWith("sasl.login.", StringComparison.Ordinal) && k != "sasl.login.callback.handler.class"))
        {
            unsupported(prefix + key, "librdkafka refreshes its SASL login by itself");
        }

        return mechanism;
    }

    private static JaasLoginModule Require(JaasLoginModule? module, string jaasKey, string expected, string mechanism)
    {
        if (module is null)
        {
            throw new ConfigException($"Missing required configuration \"{jaasKey}\" for sasl.mechanism={mechanism}; set it, for example " +
                                      $"{jaasKey}={expected} required username=\"alice\" password=\"...\";");
        }

        if (module.ClassName != expected)
        {
            throw new ConfigException($"{jaasKey} names the login module {module.ClassName}; with sasl.mechanism={mechanism} ActorConnect takes " +
                                      $"only {expected} (it never loads Java login modules, it reads their options)");
        }

        return module;
    }

    private static string Option(JaasLoginModule module, string option, string jaasKey) =>
        module.Options.TryGetValue(option, out var value)
            ? value
            : throw new ConfigException($"{jaasKey} has no {option}=\"...\" option; {module.ShortName} needs username and password");

    private static void ApplyOAuthBearer(IReadOnlyDictionary<string, string> props, string prefix, JaasLoginModule? jaas, string jaasKey,
        Dictionary<string, string> properties, List<string> description)
    {
        var module = Require(jaas, jaasKey, OAuthBearer, "OAUTHBEARER");
        var handlerKey = prefix + "sasl.login.callback.handler.class";
        var handler = props.GetValueOrDefault("sasl.login.callback.handler.class")?.Trim();
        if (handler is { Length: > 0 } && handler is not (OidcCallbackHandler or OidcCallbackHandlerOld or OAuthBearerOld))
        {
            throw new ConfigException(handlerKey, handler,
                $"ActorConnect runs no Java callback handlers; for OAuth 2 client credentials use {OidcCallbackHandler} with sasl.oauthbearer.token.endpoint.url");
        }

        if (props.GetValueOrDefault("sasl.oauthbearer.token.endpoint.url") is { Length: > 0 } endpoint)
        {
            properties["sasl.oauthbearer.method"] = "oidc";
            properties["sasl.oauthbearer.token.endpoint.url"] = endpoint;
            properties["sasl.oauthbearer.client.id"] = module.Options.GetValueOrDefault("clientId")
                ?? throw new ConfigException($"{jaasKey} has no clientId=\"...\" option; OAuth 2 client credentials need clientId and clientSecret");
            properties["sasl.oauthbearer.client.secret"] = module.Options.GetValueOrDefault("clientSecret")
                ?? throw new ConfigException($"{jaasKey} has no clientSecret=\"...\" option; OAuth 2 client credentials need clientId and clientSecret");
            if (module.Options.GetValueOrDefault("scope") is { } scope)
            {
                properties["sasl.oauthbearer.scope"] = scope;
            }

            var extensions = module.Options.Where(o => o.Key.StartsWith("extension_", StringComparison.Ordinal))
                .Select(o => $"{o.Key["extension_".Length..]}={o.Value}").ToList();
            if (extensions.Count > 0)
            {
                properties["sasl.oauthbearer.extensions"] = string.Join(",", extensions);
            }

            description.Add($"SASL OAUTHBEARER, OIDC client '{properties["sasl.oauthbearer.client.id"]}' at {endpoint}");
        }
        else if (module.Options.GetValueOrDefault("unsecuredLoginStringClaim_sub") is { } subject)
        {
            // Kafka's unsecured JWS tokens, for development brokers only, as in Java.
            properties["enable.sasl.oauthbearer.unsecure.jwt"] = "true";
            properties["sasl.oauthbearer.config"] = "principal=" + subject;
            description.Add($"SASL OAUTHBEARER, unsecured token for '{subject}' (development only)");
        }
        else
        {
            throw new ConfigException($"{prefix}sasl.oauthbearer.token.endpoint.url is not set; OAUTHBEARER needs it (with clientId and clientSecret in {jaasKey}), " +
                                      "or unsecuredLoginStringClaim_sub in the JAAS entry for a development broker");
        }
    }
}
