using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>The worker.properties every in-process test worker starts from: the shared broker (its version declared), string converters, an offsets file.</summary>
internal static class TestWorkerProps
{
    public static Dictionary<string, string> For(KafkaFixture kafka, string offsetsFile, string flushMs = "500", params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = kafka.BootstrapServers,
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = offsetsFile,
            ["offset.flush.interval.ms"] = flushMs,
        };
        foreach (var (k, v) in kafka.WorkerBrokerSettings().Concat(extra.Select(e => KeyValuePair.Create(e.Key, e.Value))))
        {
            props[k] = v;
        }

        return props;
    }
}
