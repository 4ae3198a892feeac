using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>The worker.properties every in-process test worker starts from: a broker (its version declared), string converters, an offsets file.</summary>
internal static class TestWorkerProps
{
    public static Dictionary<string, string> For(KafkaFixture kafka, string offsetsFile, string flushMs = "500", params (string Key, string Value)[] extra) =>
        For(kafka.BootstrapServers, kafka.WorkerBrokerSettings(), offsetsFile, flushMs, extra);

    /// <summary>The same for any Kafka: its address and the keys that declare its version.</summary>
    public static Dictionary<string, string> For(string bootstrapServers, IEnumerable<KeyValuePair<string, string>> brokerSettings, string offsetsFile, string flushMs = "500",
        params (string Key, string Value)[] extra)
    {
        var props = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = bootstrapServers,
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = offsetsFile,
            ["offset.flush.interval.ms"] = flushMs,
        };
        foreach (var (k, v) in brokerSettings.Concat(extra.Select(e => KeyValuePair.Create(e.Key, e.Value))))
        {
            props[k] = v;
        }

        return props;
    }
}
