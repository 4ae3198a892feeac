using ActorConnect.Runtime.Clients;
using ActorConnect.Runtime.Config;
using Akka.Actor;

namespace ActorConnect.Runtime.Tests;

public sealed class WorkerConnectivityTests
{
    [Theory]
    [InlineData("security.protocol", "SSL")]
    [InlineData("producer.security.protocol", "SASL_SSL")]
    [InlineData("consumer.security.protocol", "sasl_plaintext")]
    public async Task A_worker_whose_clients_do_not_speak_plain_Kafka_is_not_checked_with_plain_requests(string key, string protocol)
    {
        using var system = ActorSystem.Create("connectivity", RuntimeSettings.DefaultConfig());
        var config = WorkerConfig.ParseStandalone(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "127.0.0.1:1",
            ["key.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["value.converter"] = "org.apache.kafka.connect.storage.StringConverter",
            ["offset.storage.file.filename"] = "/tmp/unused.offsets",
            [key] = protocol,
        });

        var check = WorkerConnectivity.Start(system, config, new BrokerFeaturesCache(config.BootstrapServersValue), RuntimeSettings.Create(system));

        Assert.Null(check);
        await system.Terminate();
    }
}
