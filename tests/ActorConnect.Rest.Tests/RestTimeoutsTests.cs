using ActorConnect.Api.Errors;
using ActorConnect.Rest.Hosting;
using ActorConnect.TestSupport;
using Akka.Configuration;

namespace ActorConnect.Rest.Tests;

/// <summary>The REST server's waits come from the shipped hocon/actorconnect.conf (actorconnect.rest), and a bad override names its key.</summary>
public sealed class RestTimeoutsTests
{
    [Fact]
    public void The_shipped_hocon_gives_the_rest_server_its_waits()
    {
        Assert.Equal(new RestTimeouts(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10)), RestTimeouts.Create(Config.Empty));
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string>());
        Assert.Equal(TimeSpan.FromSeconds(90), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HealthTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
    }

    [Fact]
    public void An_override_reaches_the_options()
    {
        var options = RestOptions.FromWorkerProperties(new Dictionary<string, string>())
            .WithTimeouts(RestTimeouts.Create(ConfigurationFactory.ParseString("actorconnect.rest.request-timeout = 2m")));
        Assert.Equal(TimeSpan.FromMinutes(2), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HealthTimeout);
    }

    [Fact]
    public void A_bad_value_is_refused_naming_its_key()
    {
        var e = HoconOverrides.Refused<ConfigException>("actorconnect.rest.health-timeout = whenever", Config.Empty, RestTimeouts.Create);
        Assert.Equal("actorconnect.rest.health-timeout", e.Name);
    }
}
