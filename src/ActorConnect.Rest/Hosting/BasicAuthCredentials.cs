using System.Security.Cryptography;
using System.Text;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Security;

namespace ActorConnect.Rest.Hosting;

/// <summary>
/// HTTP basic authentication of the REST API, configured as Kafka Connect's BasicAuthSecurityRestExtension is:
/// <c>rest.extension.classes</c> names the extension, and the <c>KafkaConnect</c> section of a JAAS file names a
/// PropertyFileLoginModule whose <c>file</c> holds <c>user: password</c> lines (java.util.Properties). The JAAS file is
/// the JVM's <c>java.security.auth.login.config</c> (users pass it in <c>KAFKA_OPTS</c>) or the worker key
/// <see cref="JaasFileKey"/>, which wins when both are set.
/// </summary>
/// <remarks>
/// Read once at start, as Kafka's login module caches the file. Unlike Kafka Connect, an empty credentials file stops
/// the start: Kafka Connect would let every request through.
/// </remarks>
public sealed class BasicAuthCredentials
{
    public const string RestExtensionClassesKey = "rest.extension.classes";
    public const string ExtensionClass = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension";
    public const string LoginModuleClass = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule";
    public const string JaasFileKey = "rest.basic.auth.jaas.config.file";
    public const string LoginConfigProperty = "java.security.auth.login.config";
    public const string SectionName = "KafkaConnect";

    private const string JvmOption = "-D" + LoginConfigProperty + "=";

    // SHA-256 of each password: comparing hashes of equal length keeps a password's length out of the timing.
    private readonly Dictionary<string, byte[]> _hashes;
    private readonly byte[] _nobody = SHA256.HashData(RandomNumberGenerator.GetBytes(32));

    private BasicAuthCredentials(Dictionary<string, byte[]> hashes, string jaasFile, string jaasSource, string credentialsFile)
    {
        _hashes = hashes;
        JaasFile = jaasFile;
        JaasSource = jaasSource;
        CredentialsFile = credentialsFile;
    }

    /// <summary>The JAAS file read.</summary>
    public string JaasFile { get; }

    /// <summary>Where the JAAS file's path came from: the worker key or <c>KAFKA_OPTS</c>.</summary>
    public string JaasSource { get; }

    /// <summary>The credentials file the login module names.</summary>
    public string CredentialsFile { get; }

    /// <summary>How many users may sign in.</summary>
    public int Users => _hashes.Count;

    /// <summary>
    /// The credentials when <c>rest.extension.classes</c> names the basic auth extension, else null.
    /// <paramref name="jvmLoginConfig"/> is the JVM's <c>java.security.auth.login.config</c> (see <see cref="LoginConfigFromJvmOptions"/>).
    /// Throws <see cref="ConfigException"/> naming the key or file to fix.
    /// </summary>
    public static BasicAuthCredentials? FromWorkerProperties(IReadOnlyDictionary<string, string> props, string? jvmLoginConfig)
    {
        ArgumentNullException.ThrowIfNull(props);
        var extensions = props.GetValueOrDefault(RestExtensionClassesKey, string.Empty)
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var unknown in extensions.Where(e => e != ExtensionClass))
        {
            throw new ConfigException(RestExtensionClassesKey, unknown,
                $"ActorConnect has one REST extension, {ExtensionClass} (HTTP basic authentication); other extensions are Java classes it cannot run. Remove this entry");
        }

        if (extensions.Length == 0)
        {
            return null;
        }

        var (jaasFile, source) = props.GetValueOrDefault(JaasFileKey) is { Length: > 0 } fromKey && !string.IsNullOrWhiteSpace(fromKey)
            ? (fromKey.Trim(), JaasFileKey)
            : jvmLoginConfig is { Length: > 0 } fromJvm
                ? (fromJvm, $"KAFKA_OPTS ({JvmOption}...)")
                : throw new ConfigException($"{RestExtensionClassesKey} turns on HTTP basic authentication, but no JAAS file says who may sign in. Set " +
                                            $"KAFKA_OPTS=\"{JvmOption}/path/connect_jaas.conf\" as for Kafka Connect, or the worker key {JaasFileKey}, to a file holding " +
                                            $"{SectionName} {{ {LoginModuleClass} required file=\"/path/credentials.properties\"; }};");
        var module = LoginModule(jaasFile, source);
        if (!module.Options.TryGetValue("file", out var credentialsFile) || string.IsNullOrWhiteSpace(credentialsFile))
        {
            throw new ConfigException($"The {SectionName} login module in {jaasFile} (from {source}) has no file option: add file=\"/path/credentials.properties\" before its ;");
        }

        IReadOnlyDictionary<string, string> users;
        try
        {
            users = JavaProperties.Load(credentialsFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The credentials file {credentialsFile} (the file option of {SectionName} in {jaasFile}) cannot be read: {e.Message}. " +
                                      "Point file= at a readable file of user: password lines");
        }

        if (users.Count == 0)
        {
            throw new ConfigException($"The credentials file {credentialsFile} (from {jaasFile}) holds no user. Add a line 'user: password' per user. " +
                                      "(Kafka Connect lets every request through when this file is empty; ActorConnect refuses to start instead.)");
        }

        var hashes = users.ToDictionary(u => u.Key, u => Hash(u.Value), StringComparer.Ordinal);
        return new BasicAuthCredentials(hashes, jaasFile, source, credentialsFile);
    }

    /// <summary>
    /// The <c>java.security.auth.login.config</c> value among JVM options such as <c>KAFKA_OPTS</c>
    /// (<c>-Djava.security.auth.login.config=/path/connect_jaas.conf</c>), or null. The last one wins, as in Java.
    /// </summary>
    public static string? LoginConfigFromJvmOptions(string? jvmOptions) =>
        (jvmOptions ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(o => o.Trim('"', '\''))
            .LastOrDefault(o => o.StartsWith(JvmOption, StringComparison.Ordinal) && o.Length > JvmOption.Length)?[JvmOption.Length..];

    /// <summary>
    /// Whether the user exists and the password is theirs. Takes the same time whichever it is: the hashes are
    /// compared in constant time, and an unknown user is compared against a random hash.
    /// </summary>
    public bool Check(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        var known = _hashes.TryGetValue(user, out var expected);
        return CryptographicOperations.FixedTimeEquals(Hash(password), expected ?? _nobody) && known;
    }

    private static byte[] Hash(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));

    private static JaasLoginModule LoginModule(string jaasFile, string source)
    {
        string text;
        try
        {
            text = File.ReadAllText(jaasFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"The JAAS file {jaasFile} (from {source}) cannot be read: {e.Message}. Check the path and that the worker's user may read it");
        }

        var sections = Jaas.ParseFile(text, jaasFile);
        if (!sections.TryGetValue(SectionName, out var modules) || modules.Count == 0)
        {
            throw new ConfigException($"The JAAS file {jaasFile} (from {source}) has no {SectionName} section; add " +
                                      $"{SectionName} {{ {LoginModuleClass} required file=\"/path/credentials.properties\"; }};");
        }

        if (modules.Count > 1 || modules[0].ClassName != LoginModuleClass)
        {
            throw new ConfigException($"The {SectionName} section of {jaasFile} names {string.Join(", ", modules.Select(m => m.ClassName))}; ActorConnect " +
                                      $"supports exactly one login module there, {LoginModuleClass}");
        }

        return modules[0];
    }
}
