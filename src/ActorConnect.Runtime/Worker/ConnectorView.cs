using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;

namespace ActorConnect.Runtime.Worker;

/// <summary>
/// A connector as a worker's mode stores it, what every request about it reads: its config as given, its target
/// state and its plugin, or why the plugin could not be loaded.
/// </summary>
/// <param name="Name">The connector's name.</param>
/// <param name="Config">The config as given (placeholders unresolved).</param>
/// <param name="Target">What the user asked it to be.</param>
/// <param name="Plugin">Its plugin; null when <paramref name="LoadError"/> says why it could not be loaded.</param>
/// <param name="LoadError">Why the plugin or config could not be loaded, or null.</param>
public sealed record ConnectorView(string Name, IReadOnlyDictionary<string, string> Config, TargetState Target, ConnectorPlugin? Plugin, Exception? LoadError)
{
    /// <summary><c>source</c>, <c>sink</c> or <c>unknown</c>.</summary>
    public string Type => Plugin is null ? "unknown" : Plugin.IsSource ? "source" : "sink";
}
