namespace ActorConnect.TestKit;

/// <summary>
/// What the TestKit throws when what a test waited for or compared did not happen. A plain exception, so any test
/// framework (xUnit, NUnit, MSTest) reports it as a failure; its message says what was expected and what was seen.
/// </summary>
public sealed class ConnectAssertionException : Exception
{
    /// <summary>An assertion failure with a message saying what was expected and what was seen.</summary>
    public ConnectAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>An assertion failure caused by <paramref name="inner"/>.</summary>
    public ConnectAssertionException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
