using System.Collections.Concurrent;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using ActorConnect.Api.Transforms;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>Throws a <see cref="DataException"/> on the record whose value's text is <c>value</c>; passes every other one.</summary>
public sealed class ThrowOnValueTransformation : ITransformation<ConnectRecord>
{
    private string _value = "";

    public ConfigDef Config() => new ConfigDef().DefineRequired("value", ConfigType.String, Importance.High, "The value to fail on.");

    public void Configure(IReadOnlyDictionary<string, string> configs) => _value = configs["value"];

    public ConnectRecord? Apply(ConnectRecord record) =>
        record.Value?.ToString() == _value ? throw new DataException($"test transform refuses value '{_value}'") : record;

    public void Dispose()
    {
    }
}

/// <summary>
/// Throws a <see cref="RetriableException"/> the first <c>failures</c> times it sees the value <c>value</c>, then passes
/// it with <c>-retried</c> appended. Counts attempts per connector (<c>name</c>) for the test.
/// </summary>
public sealed class FlakyTransformation : ITransformation<ConnectRecord>
{
    public static readonly ConcurrentDictionary<string, int> Attempts = new();
    private string _key = "";
    private string _value = "";
    private int _failures;

    public ConfigDef Config() => new ConfigDef()
        .DefineRequired("value", ConfigType.String, Importance.High, "The value to be flaky on.")
        .DefineRequired("key", ConfigType.String, Importance.High, "Where the test reads the attempts.")
        .Define("failures", ConfigType.Int, 2, Importance.High, "How many times to fail.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        _value = configs["value"];
        _key = configs["key"];
        _failures = int.Parse(configs.GetValueOrDefault("failures", "2"), System.Globalization.CultureInfo.InvariantCulture);
    }

    public ConnectRecord? Apply(ConnectRecord record)
    {
        if (record.Value?.ToString() != _value)
        {
            return record;
        }

        var attempt = Attempts.AddOrUpdate(_key, 1, (_, n) => n + 1);
        return attempt <= _failures ? throw new RetriableException($"flaky attempt {attempt}") : record with { Value = _value + "-retried" };
    }

    public void Dispose()
    {
    }
}

/// <summary>Drops every record it is applied to (Kafka's Filter): used with a predicate.</summary>
public sealed class DropAllTransformation : ITransformation<ConnectRecord>
{
    public ConfigDef Config() => new();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public ConnectRecord? Apply(ConnectRecord record) => null;

    public void Dispose()
    {
    }
}

/// <summary>Appends <c>suffix</c> to the value's text; an open generic, closed over the task's record type.</summary>
public sealed class AppendSuffixTransformation<TRecord> : ITransformation<TRecord>
    where TRecord : ConnectRecord
{
    public static readonly ConcurrentQueue<string> Disposed = new();
    private string _suffix = "";

    public ConfigDef Config() => new ConfigDef().Define("suffix", ConfigType.String, "!", Importance.High, "Appended to values.");

    public void Configure(IReadOnlyDictionary<string, string> configs) => _suffix = configs.GetValueOrDefault("suffix", "!");

    public TRecord? Apply(TRecord record) => (TRecord)(((ConnectRecord)record) with { Value = $"{record.Value}{_suffix}" });

    public void Dispose() => Disposed.Enqueue(_suffix);
}

/// <summary>Only for sink records: a source connector must refuse it.</summary>
public sealed class SinkOnlyTransformation : ITransformation<SinkRecord>
{
    public ConfigDef Config() => new();

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
    }

    public SinkRecord? Apply(SinkRecord record) => record;

    public void Dispose()
    {
    }
}

/// <summary>True when the value's text starts with <c>prefix</c>.</summary>
public sealed class ValueStartsWithPredicate : IPredicate<ConnectRecord>
{
    public static readonly ConcurrentQueue<string> Disposed = new();
    private string _prefix = "";

    public ConfigDef Config() => new ConfigDef().DefineRequired("prefix", ConfigType.String, Importance.High, "The prefix.");

    public void Configure(IReadOnlyDictionary<string, string> configs) => _prefix = configs["prefix"];

    public bool Test(ConnectRecord record) => record.Value?.ToString()?.StartsWith(_prefix, StringComparison.Ordinal) == true;

    public void Dispose() => Disposed.Enqueue(_prefix);
}

/// <summary>Pads the value whose text is <c>value</c> to <c>size</c> characters: a record too large for a small <c>message.max.bytes</c>.</summary>
public sealed class PadValueTransformation : ITransformation<ConnectRecord>
{
    private string _value = "";
    private int _size;

    public ConfigDef Config() => new ConfigDef()
        .DefineRequired("value", ConfigType.String, Importance.High, "The value to pad.")
        .DefineRequired("size", ConfigType.Int, Importance.High, "The padded length.");

    public void Configure(IReadOnlyDictionary<string, string> configs)
    {
        _value = configs["value"];
        _size = int.Parse(configs["size"], System.Globalization.CultureInfo.InvariantCulture);
    }

    public ConnectRecord? Apply(ConnectRecord record) =>
        record.Value?.ToString() == _value ? record with { Value = _value.PadRight(_size, '.') } : record;

    public void Dispose()
    {
    }
}
