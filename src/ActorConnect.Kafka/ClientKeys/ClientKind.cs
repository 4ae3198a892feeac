namespace ActorConnect.Kafka.ClientKeys;

/// <summary>Which kind of Kafka client a configuration is for: some Java keys mean something only to one kind.</summary>
public enum ClientKind
{
    Producer,
    Consumer,
    Admin,
}
