using System.Net;
using System.Text.RegularExpressions;
using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// The host process and the REST API's security: the warning for a listener open to other hosts, basic
/// authentication with the JAAS file given in KAFKA_OPTS as Kafka Connect users give it, and a bad keystore password
/// that stops the start naming the key.
/// </summary>
[Collection("kafka")]
public sealed partial class RestSecurityHostTests(KafkaFixture kafka)
{
    private const string OpenWarning = "reachable from other hosts, without authentication";

    [Fact]
    public async Task A_worker_listening_on_every_interface_without_authentication_warns_once_at_start()
    {
        using var dir = RepoPaths.CreateTempDirectory("rest-open");
        var worker = WorkerWith(dir.Path, "listeners=http://0.0.0.0:0");

        await using var host = HostProcess.Standalone(dir.Path, worker);
        await host.WaitForOutputAsync(OpenWarning, TimeSpan.FromSeconds(60));
        await host.WaitForOutputAsync("ActorConnect standalone worker", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        var warning = Assert.Single(host.Lines, l => l.Contains(OpenWarning, StringComparison.Ordinal));
        Assert.Contains("WRN", warning, StringComparison.Ordinal);
        Assert.Contains("rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_authentication_from_the_JAAS_file_in_KAFKA_OPTS_guards_an_open_listener_without_the_warning()
    {
        using var dir = RepoPaths.CreateTempDirectory("rest-auth");
        var jaas = BasicAuthFiles.Write(dir.Path, ("admin", "admin-secret"));
        var worker = WorkerWith(dir.Path, "listeners=http://0.0.0.0:0", $"rest.extension.classes={BasicAuthFiles.ExtensionClass}");

        await using var host = HostProcess.Standalone(dir.Path, new Dictionary<string, string?> { ["KAFKA_OPTS"] = $"-Xms64m -Djava.security.auth.login.config={jaas}" }, worker);
        var port = int.Parse(ListeningPort().Match(await host.WaitForOutputAsync("REST API listening on", TimeSpan.FromSeconds(60))).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await host.WaitForOutputAsync("REST API requires HTTP basic authentication: 1 user(s)", TimeSpan.FromSeconds(60));

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using (var refused = await http.GetAsync("/connectors"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:admin-secret"u8.ToArray()));
        await Eventually.AssertAsync(async () =>
        {
            using var ok = await http.GetAsync("/connectors");
            return ok.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), "the worker answers an authenticated request");
        Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain(host.Lines, l => l.Contains(OpenWarning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_wrong_keystore_password_stops_the_start_naming_the_key()
    {
        using var dir = RepoPaths.CreateTempDirectory("rest-badstore");
        using var certificates = TestCertificates.Create();
        var worker = WorkerWith(dir.Path, "listeners=https://127.0.0.1:0",
            $"listeners.https.ssl.keystore.location={certificates.ServerP12}", "listeners.https.ssl.keystore.password=wrong-password");

        await using var host = HostProcess.Standalone(dir.Path, worker);
        Assert.Equal(2, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var fatal = Assert.Single(host.Lines, l => l.Contains("Cannot start", StringComparison.Ordinal));
        Assert.Contains("listeners.https.ssl.keystore.password", fatal, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", host.Output, StringComparison.Ordinal);
    }

    private string WorkerWith(string dir, params string[] lines)
    {
        var path = HostProcess.WriteWorker(dir, kafka);
        File.AppendAllLines(path, ["", .. lines]);
        return path;
    }

    [GeneratedRegex(@"REST API listening on \w+://\S*:(\d+)/")]
    private static partial Regex ListeningPort();
}
