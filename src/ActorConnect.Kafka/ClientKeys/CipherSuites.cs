using ActorConnect.Api.Errors;

namespace ActorConnect.Kafka.ClientKeys;

/// <summary>
/// Java's <c>ssl.cipher.suites</c> (IANA names) to librdkafka's (OpenSSL's cipher list names). librdkafka's list sets
/// TLS 1.2 suites only; TLS 1.3 suites are OpenSSL's defaults and are reported as having no equivalent.
/// </summary>
internal static class CipherSuites
{
    private static readonly Dictionary<string, string> IanaToOpenSsl = new(StringComparer.OrdinalIgnoreCase)
    {
        ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-ECDSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-ECDSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"] = "ECDHE-RSA-AES128-GCM-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"] = "ECDHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-ECDSA-CHACHA20-POLY1305",
        ["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"] = "ECDHE-RSA-CHACHA20-POLY1305",
        ["TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"] = "DHE-RSA-AES128-GCM-SHA256",
        ["TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"] = "DHE-RSA-AES256-GCM-SHA384",
        ["TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"] = "ECDHE-ECDSA-AES128-SHA256",
        ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"] = "ECDHE-ECDSA-AES256-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"] = "ECDHE-RSA-AES128-SHA256",
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384"] = "ECDHE-RSA-AES256-SHA384",
        ["TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"] = "ECDHE-RSA-AES128-SHA",
        ["TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"] = "ECDHE-RSA-AES256-SHA",
        ["TLS_RSA_WITH_AES_128_GCM_SHA256"] = "AES128-GCM-SHA256",
        ["TLS_RSA_WITH_AES_256_GCM_SHA384"] = "AES256-GCM-SHA384",
        ["TLS_RSA_WITH_AES_128_CBC_SHA256"] = "AES128-SHA256",
        ["TLS_RSA_WITH_AES_256_CBC_SHA256"] = "AES256-SHA256",
        ["TLS_RSA_WITH_AES_128_CBC_SHA"] = "AES128-SHA",
        ["TLS_RSA_WITH_AES_256_CBC_SHA"] = "AES256-SHA",
    };

    /// <summary>
    /// The OpenSSL names of <paramref name="value"/>'s suites; names without an underscore are taken as OpenSSL names
    /// already. Throws when none is left, since an empty list would silently mean "OpenSSL's defaults".
    /// </summary>
    public static string ToOpenSsl(string value, string key, Action<string, string> unsupported)
    {
        var names = new List<string>();
        foreach (var suite in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IanaToOpenSsl.TryGetValue(suite, out var openSsl))
            {
                names.Add(openSsl);
            }
            else if (!suite.Contains('_'))
            {
                names.Add(suite);
            }
            else
            {
                unsupported($"{key} ({suite})", suite.StartsWith("TLS_AES_", StringComparison.OrdinalIgnoreCase) || suite.StartsWith("TLS_CHACHA20_", StringComparison.OrdinalIgnoreCase)
                    ? "TLS 1.3 suites are always OpenSSL's defaults"
                    : "no OpenSSL equivalent is known; write OpenSSL's name (openssl ciphers -stdname lists both)");
            }
        }

        return names.Count > 0
            ? string.Join(":", names)
            : throw new ConfigException(key, value, "none of these suites can be set in librdkafka; write TLS 1.2 suites (IANA or OpenSSL names) or remove the key");
    }
}
