using System.Reflection;
using System.Reflection.Emit;

namespace ActorConnect.TestSupport;

/// <summary>
/// Which of an assembly's namespaces use which, read from the compiled assembly, and the cycles among them.
/// </summary>
/// <remarks>
/// A type uses what its signatures name (base type, interfaces, generic arguments and constraints, fields, properties,
/// events, method and constructor parameters and returns, locals) and what its method bodies name (the type, method
/// and field tokens of the IL). Compiler-generated types (lambdas' closures, async state machines, iterators) count
/// for the namespace of the type that declares them. Not seen, because the compiler leaves no trace of them: constants
/// (inlined), <c>nameof</c>, and types named only in attribute arguments or XML docs. That is enough for namespace
/// cycles, which would need every use between two namespaces to be of those kinds to go unseen.
/// </remarks>
public sealed class NamespaceDependencies
{
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                          BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly Assembly assembly;

    /// <summary>For each namespace, the namespaces it uses and one example use of each (user -> used type).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Edges { get; }

    private NamespaceDependencies(Assembly assembly)
    {
        this.assembly = assembly;
        var edges = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in assembly.GetTypes())
        {
            var from = NamespaceOf(type);
            if (from is null) continue;
            foreach (var used in Uses(type))
            {
                var to = NamespaceOf(used);
                if (to is null || to == from || used.Assembly != assembly) continue;
                if (!edges.TryGetValue(from, out var targets)) edges[from] = targets = new Dictionary<string, string>();
                targets.TryAdd(to, $"{Outermost(type).FullName} uses {Outermost(used).FullName}");
            }
        }
        Edges = edges.ToDictionary(e => e.Key, e => (IReadOnlyDictionary<string, string>)e.Value);
    }

    /// <summary>Reads the namespace graph of <paramref name="assembly"/>.</summary>
    public static NamespaceDependencies Of(Assembly assembly) => new(assembly);

    /// <summary>
    /// Each group of namespaces that reach each other (strongly connected, more than one namespace), as lines
    /// naming every edge inside the group with an example use, so a failing test says what to move.
    /// </summary>
    public IReadOnlyList<string> Cycles()
    {
        var found = new List<string>();
        foreach (var group in StronglyConnected().Where(g => g.Count > 1))
        {
            var lines = new List<string> { "cycle among " + string.Join(", ", group.Order()) };
            foreach (var from in group.Order())
                foreach (var (to, example) in Edges.GetValueOrDefault(from) ?? new Dictionary<string, string>())
                    if (group.Contains(to)) lines.Add($"  {from} -> {to} ({example})");
            found.Add(string.Join(Environment.NewLine, lines));
        }
        return found;
    }

    private List<HashSet<string>> StronglyConnected()
    {
        // Tarjan's algorithm; the graphs are a few dozen namespaces, so recursion depth is no concern.
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var groups = new List<HashSet<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            foreach (var w in Edges.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (stack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var group = new HashSet<string>();
            string popped;
            do { popped = stack.Pop(); group.Add(popped); } while (popped != v);
            groups.Add(group);
        }
        foreach (var v in Edges.Keys.Order())
            if (!index.ContainsKey(v)) Visit(v);
        return groups;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type;
    }

    private string? NamespaceOf(Type type)
    {
        var outer = Outermost(type);
        // <Module>, <PrivateImplementationDetails> and other compiler artefacts have no namespace.
        return outer.Assembly == assembly ? outer.Namespace : null;
    }

    private IEnumerable<Type> Uses(Type type)
    {
        var named = new List<Type?> { type.BaseType };
        named.AddRange(type.GetInterfaces());
        if (type.IsGenericTypeDefinition)
            named.AddRange(type.GetGenericArguments().SelectMany(a => a.GetGenericParameterConstraints()));
        named.AddRange(type.GetFields(Declared).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(Declared).Select(p => p.PropertyType));
        named.AddRange(type.GetEvents(Declared).Select(e => e.EventHandlerType));
        var methods = type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared));
        foreach (var method in methods)
        {
            if (method is MethodInfo info) named.Add(info.ReturnType);
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            named.AddRange(BodyUses(method, type));
        }
        return named.OfType<Type>().SelectMany(Expand);
    }

    private IEnumerable<Type> BodyUses(MethodBase method, Type owner)
    {
        var body = method.GetMethodBody();
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        var il = body.GetILAsByteArray() ?? [];
        var typeArgs = owner.IsGenericTypeDefinition ? owner.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethodDefinition ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            short value = il[at++];
            if (value == 0xFE) value = (short)(0xFE00 | il[at++]);
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break; // not IL we understand: stop, don't guess
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var member = Resolve(method.Module, BitConverter.ToInt32(il, at), typeArgs, methodArgs);
                    at += 4;
                    if (member is Type t) yield return t;
                    else if (member is FieldInfo f) { yield return f.DeclaringType!; yield return f.FieldType; }
                    else if (member is MethodBase m)
                    {
                        if (m.DeclaringType is not null) yield return m.DeclaringType;
                        if (m is MethodInfo mi) { yield return mi.ReturnType; foreach (var g in mi.IsGenericMethod ? mi.GetGenericArguments() : []) yield return g; }
                        foreach (var p in m.GetParameters()) yield return p.ParameterType;
                    }
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                default:
                    at += op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        _ => 4,
                    };
                    break;
            }
        }
    }

    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try { return module.ResolveMember(token, typeArgs, methodArgs); }
        catch (ArgumentException) { return null; } // a signature token (calli) or a vararg site: names no member
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        while (type.HasElementType) type = type.GetElementType()!;
        if (type.IsGenericParameter) yield break;
        yield return type;
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            foreach (var arg in type.GetGenericArguments().SelectMany(Expand))
                yield return arg;
    }
}
