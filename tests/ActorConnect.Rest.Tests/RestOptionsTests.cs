using ActorConnect.Api.Errors;
using ActorConnect.Rest.Hosting;

namespace ActorConnect.Rest.Tests;

/// <summary>Kafka Connect's <c>listeners</c> and <c>rest.advertised.*</c> keys, and the worker id they make.</summary>
public sealed class RestOptionsTests
{
    [Fact]
    public void Default_is_http_on_loopback_port_8083_and_warns_of_nothing()
    {
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string>());
        var listener = Assert.Single(options.Listeners);
        Assert.Equal(new RestListener("http", "127.0.0.1", 8083), listener);
        Assert.True(listener.IsLoopback);
        Assert.Null(options.OpenListenerWarning());
    }

    [Theory]
    [InlineData("http://:8083", "http://:8083")]
    [InlineData("http://127.0.0.1:8083,http://10.1.2.3:8083", "http://10.1.2.3:8083")]
    [InlineData("http://[::1]:8083,http://connect-1.example:8083", "http://connect-1.example:8083")]
    public void A_listener_other_hosts_reach_without_authentication_is_warned_of(string listeners, string open)
    {
        var warning = RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = listeners }).OpenListenerWarning();
        Assert.NotNull(warning);
        Assert.StartsWith($"The REST API listens on {open}, reachable from other hosts, without authentication", warning, StringComparison.Ordinal);
        Assert.Contains("rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Listeners_are_comma_separated()
    {
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://127.0.0.1:9000, http://:0" });
        Assert.Equal([new RestListener("http", "127.0.0.1", 9000), new RestListener("http", "", 0)], options.Listeners);
    }

    [Theory]
    [InlineData("https://:8443", "ssl.keystore.location is missing: the https listener")]
    [InlineData("ftp://:21", "protocol")]
    [InlineData("http://:notaport", "port")]
    [InlineData("localhost:8083", "protocol://host:port")]
    [InlineData("http://host", "port is missing")]
    public void Bad_listeners_name_the_key(string value, string part)
    {
        var e = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = value }));
        Assert.Contains("listeners", e.Message, StringComparison.Ordinal);
        Assert.Contains(part, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Advertised_host_and_port_make_the_worker_id()
    {
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string>
        {
            ["listeners"] = "http://:0",
            ["rest.advertised.host.name"] = "connect-1.example",
            ["rest.advertised.port"] = "18083",
            ["rest.advertised.listener"] = "HTTP",
        });
        Assert.Equal("connect-1.example:18083", options.WorkerId(new Dictionary<RestListener, int> { [options.Listeners[0]] = 41234 }));
    }

    [Fact]
    public void Without_advertised_keys_the_listener_host_and_bound_port_are_used()
    {
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://127.0.0.1:0" });
        Assert.Equal("127.0.0.1:41234", options.WorkerId(new Dictionary<RestListener, int> { [options.Listeners[0]] = 41234 }));
        var wildcard = RestOptions.FromWorkerProperties(new Dictionary<string, string> { ["listeners"] = "http://:8083" });
        Assert.EndsWith(":8083", wildcard.WorkerId(new Dictionary<RestListener, int>()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rest.advertised.port", "0")]
    [InlineData("rest.advertised.port", "http")]
    [InlineData("rest.advertised.listener", "https")]
    public void Bad_advertised_values_name_the_key(string key, string value)
    {
        var e = Assert.Throws<ConfigException>(() => RestOptions.FromWorkerProperties(new Dictionary<string, string> { [key] = value }));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }
}
