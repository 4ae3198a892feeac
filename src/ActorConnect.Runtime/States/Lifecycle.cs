using Akka.Event;

namespace ActorConnect.Runtime.States;

/// <summary>
/// The state of one actor's lifecycle, moved only along its <see cref="LifecycleRules{TState}"/>. An illegal move or a
/// message its state does not accept is logged as an error naming the states and refused: the state stays as it was,
/// the message is not handled. Nothing illegal is applied or absorbed silently.
/// </summary>
/// <typeparam name="TState">The states, an enum.</typeparam>
public sealed class Lifecycle<TState>
    where TState : struct, Enum
{
    private readonly LifecycleRules<TState> _rules;
    private readonly ILoggingAdapter _log;
    private readonly Func<string> _describe;

    /// <summary>A lifecycle in <paramref name="initial"/>; <paramref name="describe"/> names the actor in log lines ("Task x-0").</summary>
    public Lifecycle(LifecycleRules<TState> rules, TState initial, ILoggingAdapter log, Func<string> describe)
    {
        _rules = rules;
        _log = log;
        _describe = describe;
        State = initial;
    }

    /// <summary>The state now.</summary>
    public TState State { get; private set; }

    /// <summary>True when the state now is one of <paramref name="states"/>.</summary>
    public bool Is(params TState[] states) => states.Contains(State);

    /// <summary>Moves to <paramref name="next"/> when the rules allow it; otherwise logs the illegal move and returns false.</summary>
    public bool MoveTo(TState next)
    {
        if (_rules.CanMove(State, next))
        {
            State = next;
            return true;
        }

        _log.Error("{0}: illegal transition {1} -> {2} refused; it stays {1} (allowed from {1}: {3})",
            _describe(), State, next, Names(_rules.MovesFrom(State)));
        return false;
    }

    /// <summary>True when the state now accepts <paramref name="message"/>; otherwise logs that it is refused and returns false.</summary>
    public bool Admits(object message)
    {
        if (_rules.Accepts(State, message))
        {
            return true;
        }

        _log.Error("{0}: {1} is illegal in state {2} and is refused (only {3} accept it)",
            _describe(), message.GetType().Name, State, Names(_rules.StatesAccepting(message.GetType())));
        return false;
    }

    /// <summary>Logs a message no handler of the state now understands: an actor's protocol error, never absorbed silently.</summary>
    public void NotUnderstood(object message) =>
        _log.Error("{0}: {1} is not understood in state {2} and is dropped", _describe(), message.GetType().Name, State);

    private static string Names(IReadOnlyCollection<TState> states) =>
        states.Count == 0 ? "none" : string.Join(", ", states.Order());
}
