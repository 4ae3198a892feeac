using Akka.Configuration;

namespace ActorConnect.TestSupport;

/// <summary>
/// TestKit settings for specs that run beside real clusters, brokers and processes on a small machine: an ExpectMsg,
/// ExpectTerminated or EventFilter without its own timeout waits 30 s for its condition, not Akka's 3 s. Their waits
/// end as soon as the condition holds, so only a failing spec takes longer; a thread pool starved for seconds by the
/// other tests' blocking calls (a message sent from Task.Run, a log event through the event stream) no longer fails one.
/// No spec here uses ExpectNoMsg without a duration, which would then wait the 30 s.
/// </summary>
public static class PatientTestKit
{
    /// <summary>The patient waits alone.</summary>
    public static readonly Config Config = ConfigurationFactory.ParseString("akka.test { single-expect-default = 30s, filter-leeway = 30s }");

    /// <summary>The patient waits over <paramref name="config"/>.</summary>
    public static Config Over(Config config) => Config.WithFallback(config);
}
