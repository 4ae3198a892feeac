using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using Akka.Actor;

namespace ActorConnect.Runtime.Worker;

/// <summary>The worker's record of one connector: what the user asked for, and the supervisor now running it.</summary>
internal sealed class ConnectorEntry(string name, IReadOnlyDictionary<string, string> config, ConnectorPlugin? plugin, int maxTasks, TargetState target)
{
    public string Name { get; } = name;

    /// <summary>The config as given (placeholders unresolved).</summary>
    public IReadOnlyDictionary<string, string> Config { get; set; } = config;

    /// <summary>Null when the stored config could not be loaded (see <see cref="LoadError"/>).</summary>
    public ConnectorPlugin? Plugin { get; set; } = plugin;

    public int MaxTasks { get; set; } = maxTasks;

    public TargetState Target { get; set; } = target;

    /// <summary>Null while a replaced supervisor is stopping, or when the connector could not be loaded.</summary>
    public IActorRef? Supervisor { get; set; }

    /// <summary>Why a stored connector could not be started at worker start (a plugin gone, a config now invalid).</summary>
    public Exception? LoadError { get; set; }

    public SortedSet<string> ActiveTopics { get; } = new(StringComparer.Ordinal);

    public string Type => Plugin is null ? "unknown" : Plugin.IsSource ? "source" : "sink";
}
