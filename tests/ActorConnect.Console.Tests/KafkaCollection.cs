using ActorConnect.TestSupport;

namespace ActorConnect.Console.Tests;

/// <summary>One shared broker per test assembly: xunit only sees collection definitions declared in the test assembly itself.</summary>
[CollectionDefinition("kafka")]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>;
