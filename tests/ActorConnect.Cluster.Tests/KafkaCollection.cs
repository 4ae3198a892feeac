using ActorConnect.TestSupport;

namespace ActorConnect.Cluster.Tests;

/// <summary>One shared broker per test assembly: xunit only sees collection definitions declared in the test assembly itself.</summary>
[CollectionDefinition("kafka")]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>;

/// <summary>The local broker's SSL listener, for the TLS tests.</summary>
[CollectionDefinition("kafka-tls")]
public sealed class TlsKafkaCollection : ICollectionFixture<TlsKafkaFixture>;
