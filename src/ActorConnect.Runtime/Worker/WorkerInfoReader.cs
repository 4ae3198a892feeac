using System.Reflection;
using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Worker;

/// <summary>The version and commit this runtime was built from, for <c>GET /</c>.</summary>
internal static class WorkerInfoReader
{
    private static readonly Lazy<WorkerInfo> Info = new(() =>
    {
        // The SDK stamps "version+commit" into the informational version when building from a git checkout.
        var informational = typeof(WorkerInfoReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        return plus < 0
            ? new WorkerInfo(informational, "unknown", null)
            : new WorkerInfo(informational[..plus], informational[(plus + 1)..], null);
    });

    public static WorkerInfo Read() => Info.Value;
}
