using ActorConnect.Runtime.Config.Providers;

namespace ActorConnect.Runtime.Status;

/// <summary>
/// Renders a failure for a status <c>trace</c>: the root cause first, not the wrapper that carried it, and no value a
/// config provider resolved (the exception's message, inner exceptions and stack trace may all quote one).
/// </summary>
public static class FailureTrace
{
    public static Exception RootCause(Exception e)
    {
        var current = e;
        while (true)
        {
            if (current is AggregateException { InnerExceptions.Count: 1 } agg)
            {
                current = agg.InnerExceptions[0];
            }
            else if (current.InnerException is { } inner)
            {
                current = inner;
            }
            else
            {
                return current;
            }
        }
    }

    public static string Render(Exception e, SecretRedactor secrets)
    {
        var root = RootCause(e);
        return secrets.Redact($"{root.GetType().FullName}: {root.Message}\n{e}");
    }
}
