namespace ActorConnect.Runtime.States;

/// <summary>
/// The moves a lifecycle allows and the messages each of its states accepts, declared once beside the actor's diagram
/// (akka.net's <c>Shard.cs</c> <c>EntityState.Transition</c> idea). A message type not declared here is accepted in
/// every state; one declared is accepted only in the states named for it.
/// </summary>
/// <typeparam name="TState">The states, an enum.</typeparam>
public sealed class LifecycleRules<TState>
    where TState : struct, Enum
{
    private readonly Dictionary<TState, HashSet<TState>> _moves = new();
    private readonly Dictionary<Type, HashSet<TState>> _accepted = new();

    /// <summary>Allows the moves from <paramref name="from"/> to each of <paramref name="to"/>.</summary>
    public LifecycleRules<TState> Allow(TState from, params TState[] to)
    {
        if (!_moves.TryGetValue(from, out var targets))
        {
            _moves[from] = targets = new HashSet<TState>();
        }

        targets.UnionWith(to);
        return this;
    }

    /// <summary>Accepts <typeparamref name="TMessage"/> only in <paramref name="states"/>.</summary>
    public LifecycleRules<TState> Accept<TMessage>(params TState[] states)
    {
        _accepted[typeof(TMessage)] = states.ToHashSet();
        return this;
    }

    /// <summary>True when the lifecycle may move from <paramref name="from"/> to <paramref name="to"/>; staying is always allowed.</summary>
    public bool CanMove(TState from, TState to) =>
        EqualityComparer<TState>.Default.Equals(from, to) || (_moves.TryGetValue(from, out var targets) && targets.Contains(to));

    /// <summary>The states <paramref name="from"/> may move to.</summary>
    public IReadOnlyCollection<TState> MovesFrom(TState from) => _moves.TryGetValue(from, out var targets) ? targets : [];

    /// <summary>True when <paramref name="message"/> may arrive in <paramref name="state"/>.</summary>
    public bool Accepts(TState state, object message) =>
        !_accepted.TryGetValue(message.GetType(), out var states) || states.Contains(state);

    /// <summary>The states that accept messages of <paramref name="messageType"/> (every state when it is not declared).</summary>
    public IReadOnlyCollection<TState> StatesAccepting(Type messageType) =>
        _accepted.TryGetValue(messageType, out var states) ? states : Enum.GetValues<TState>();
}
