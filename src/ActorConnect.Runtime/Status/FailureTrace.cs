namespace ActorConnect.Runtime.Status;

/// <summary>Renders a failure so the first line is the root cause, not the wrapper that carried it.</summary>
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

    public static string Render(Exception e)
    {
        var root = RootCause(e);
        return $"{root.GetType().FullName}: {root.Message}\n{e}";
    }
}
