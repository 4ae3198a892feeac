namespace ActorConnect.Runtime.Config.Providers;

/// <summary>
/// A built-in provider that reads nothing until the operator says what connector configs may read through it, so a
/// REST client cannot make the worker read its environment or its files. Kafka's providers read everything by default;
/// these deliberately do not.
/// </summary>
internal interface ILimitedConfigProvider
{
    /// <summary>The provider parameter that says what may be read (<c>allowlist.pattern</c>, <c>allowed.paths</c>).</summary>
    string LimitParameter { get; }

    /// <summary>An example value of <see cref="LimitParameter"/>, for the message that asks for it.</summary>
    string LimitExample { get; }

    /// <summary>False while <see cref="LimitParameter"/> is not set: then every read is refused.</summary>
    bool IsLimited { get; }
}
