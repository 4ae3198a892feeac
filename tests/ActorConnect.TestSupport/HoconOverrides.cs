using Akka.Configuration;
using Xunit;

namespace ActorConnect.TestSupport;

/// <summary>Settings tests' one step: a HOCON override over the shipped hocon/ defaults, read by a settings factory.</summary>
public static class HoconOverrides
{
    /// <summary>The exception <paramref name="create"/> throws for <paramref name="hocon"/> over <paramref name="shipped"/>.</summary>
    public static TException Refused<TException>(string hocon, Config shipped, Func<Config, object> create)
        where TException : Exception =>
        Assert.Throws<TException>(() => create(ConfigurationFactory.ParseString(hocon).WithFallback(shipped)));
}
