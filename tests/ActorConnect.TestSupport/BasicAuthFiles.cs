namespace ActorConnect.TestSupport;

/// <summary>
/// The files a Kafka Connect user writes for the REST API's basic authentication: a JAAS file with the KafkaConnect
/// section naming Kafka's PropertyFileLoginModule, and its credentials file of <c>user: password</c> lines.
/// </summary>
public static class BasicAuthFiles
{
    public const string ExtensionClass = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension";

    /// <summary>Writes both files into <paramref name="dir"/>; returns the JAAS file's path.</summary>
    public static string Write(string dir, params (string User, string Password)[] users)
    {
        var credentials = Path.Combine(dir, "credentials.properties");
        File.WriteAllLines(credentials, ["# user: password, as Kafka Connect's PropertyFileLoginModule reads them", .. users.Select(u => $"{u.User}: {u.Password}")]);
        var jaas = Path.Combine(dir, "connect_jaas.conf");
        File.WriteAllText(jaas, $$"""
            KafkaConnect {
              org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required
                file="{{credentials}}";
            };
            """);
        return jaas;
    }
}
