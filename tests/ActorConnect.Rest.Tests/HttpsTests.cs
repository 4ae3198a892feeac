using System.Net;
using ActorConnect.Api.Errors;
using ActorConnect.Rest.Hosting;
using ActorConnect.Rest.Logging;
using ActorConnect.TestSupport;

namespace ActorConnect.Rest.Tests;

/// <summary>
/// https listeners with a self-signed CA's certificate from each store format Kafka Connect users have, mixed with
/// http, and mutual TLS, over real TLS on loopback. The server runs without a worker: an answer (503 starting) proves
/// the handshake; a refused handshake throws in the client.
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    [Theory]
    [InlineData("PKCS12")]
    [InlineData("PEM")]
    [InlineData("JKS")]
    public async Task An_https_listener_serves_the_certificate_of_a_keystore(string type)
    {
        var location = type switch { "PKCS12" => _certs.ServerP12, "PEM" => _certs.ServerPem, _ => _certs.ServerJks };
        var props = new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["listeners.https.ssl.keystore.location"] = location,
            ["listeners.https.ssl.keystore.type"] = type,
        };
        if (type != "PEM")
        {
            props["listeners.https.ssl.keystore.password"] = TestCertificates.Password;
            props["listeners.https.ssl.key.password"] = TestCertificates.Password;
        }

        await using var rest = await StartAsync(props);
        Assert.Equal("https", rest.AdvertisedUrl.Scheme);
        using var http = new HttpClient(_certs.Handler());
        using var health = await http.GetAsync(Url(rest, "https"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    [Fact]
    public async Task Http_and_https_listeners_serve_side_by_side_and_rest_advertised_listener_picks_the_advertised_one()
    {
        // No listeners.https.* key: the worker's own ssl.* keys serve the https listener, as in Kafka Connect.
        await using var rest = await StartAsync(new Dictionary<string, string>
        {
            ["listeners"] = "http://127.0.0.1:0,https://127.0.0.1:0",
            ["ssl.keystore.location"] = _certs.ServerP12,
            ["ssl.keystore.password"] = TestCertificates.Password,
            ["rest.advertised.listener"] = "https",
        });
        Assert.Equal("https", rest.AdvertisedUrl.Scheme);
        Assert.Equal(rest.BoundPorts.Single(b => b.Key.IsHttps).Value, rest.AdvertisedUrl.Port);
        using var http = new HttpClient(_certs.Handler());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(Url(rest, "https"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(Url(rest, "http"))).StatusCode);
    }

    [Fact]
    public async Task Required_client_auth_refuses_clients_without_a_certificate_or_with_one_from_another_CA_and_accepts_the_trusted_CAs()
    {
        await using var rest = await StartAsync(new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["listeners.https.ssl.keystore.location"] = _certs.ServerP12,
            ["listeners.https.ssl.keystore.password"] = TestCertificates.Password,
            ["listeners.https.ssl.client.auth"] = "required",
            ["listeners.https.ssl.truststore.location"] = _certs.CaPem,
            ["listeners.https.ssl.truststore.type"] = "PEM",
        });
        var url = Url(rest, "https");

        using (var anonymous = new HttpClient(_certs.Handler()))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => anonymous.GetAsync(url));
        }

        using (var stranger = new HttpClient(_certs.Handler(_certs.StrangerClient)))
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync(url));
        }

        using var trusted = new HttpClient(_certs.Handler(_certs.Client));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await trusted.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Requested_client_auth_lets_a_client_without_a_certificate_in_but_not_one_with_an_untrusted_certificate()
    {
        await using var rest = await StartAsync(new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["listeners.https.ssl.keystore.location"] = _certs.ServerPem,
            ["listeners.https.ssl.client.auth"] = "requested",
            ["listeners.https.ssl.truststore.location"] = _certs.CaPem,
        });
        var url = Url(rest, "https");
        using var anonymous = new HttpClient(_certs.Handler());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync(url)).StatusCode);
        using var stranger = new HttpClient(_certs.Handler(_certs.StrangerClient));
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => stranger.GetAsync(url));
    }

    [Fact]
    public void A_wrong_keystore_password_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["listeners.https.ssl.keystore.location"] = _certs.ServerP12,
            ["listeners.https.ssl.keystore.password"] = "not-the-password",
        }));
        Assert.Contains("listeners.https.ssl.keystore.password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Once_a_listeners_https_key_is_set_the_workers_own_ssl_keys_are_not_read()
    {
        var error = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["ssl.keystore.location"] = _certs.ServerP12,
            ["ssl.keystore.password"] = TestCertificates.Password,
            ["listeners.https.ssl.client.auth"] = "none",
        }));
        Assert.StartsWith("listeners.https.ssl.keystore.location is missing", error.Message, StringComparison.Ordinal);
        Assert.Contains("only listeners.https.ssl.* keys are read", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("required", null, "listeners.https.ssl.truststore.location is missing")]
    [InlineData("sometimes", "ca", "Invalid value sometimes for configuration listeners.https.ssl.client.auth: use none, requested or required")]
    public void Client_auth_needs_a_known_mode_and_a_truststore(string mode, string? truststore, string expected)
    {
        var props = new Dictionary<string, string>
        {
            ["listeners"] = "https://127.0.0.1:0",
            ["listeners.https.ssl.keystore.location"] = _certs.ServerPem,
            ["listeners.https.ssl.client.auth"] = mode,
        };
        if (truststore is not null)
        {
            props["listeners.https.ssl.truststore.location"] = _certs.CaPem;
        }

        Assert.StartsWith(expected, Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(props)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _certs.Dispose();

    private static async Task<RestServer> StartAsync(Dictionary<string, string> props)
    {
        var rest = RestServer.Create(RestOptions.FromWorkerProperties(props), new LogLevelRegistry());
        await rest.StartAsync();
        return rest;
    }

    private static Uri Url(RestServer rest, string scheme) =>
        new($"{scheme}://127.0.0.1:{rest.BoundPorts.Single(b => b.Key.Scheme == scheme).Value}/health");
}
