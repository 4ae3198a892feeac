using System.Diagnostics;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;

namespace ActorConnect.Connectors.File.Tests;

/// <summary>A temporary directory deleted after the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ac-file-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Offsets the test pretends the runtime stored, keyed by file name.</summary>
public sealed class FakeOffsetReader : IOffsetStorageReader
{
    private readonly Dictionary<string, IReadOnlyDictionary<string, object?>> _byFile = new();

    public List<IReadOnlyDictionary<string, object?>> Requested { get; } = new();

    public FakeOffsetReader With(string file, object? position)
    {
        _byFile[file] = new Dictionary<string, object?> { [FileStreamSourceTask.PositionField] = position };
        return this;
    }

    public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition)
    {
        Requested.Add(partition);
        return partition.TryGetValue(FileStreamSourceTask.FilenameField, out var f) && f is string file ? _byFile.GetValueOrDefault(file) : null;
    }

    public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions) =>
        partitions.Select(p => (p, o: Offset(p))).Where(x => x.o is not null).ToDictionary(x => x.p, x => x.o!);
}

public sealed class FakeSourceContext(IReadOnlyDictionary<string, string> configs, IOffsetStorageReader reader) : ISourceTaskContext
{
    public IReadOnlyDictionary<string, string> Configs { get; } = configs;

    public IOffsetStorageReader OffsetStorageReader { get; } = reader;
}

public static class Polling
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public static FileStreamSourceTask StartSource(string? file, FakeOffsetReader? reader = null, int? batchSize = null, Stream? stdin = null, string topic = "lines")
    {
        var props = new Dictionary<string, string> { ["topic"] = topic, ["name"] = "my-file-source" };
        if (file is not null)
        {
            props["file"] = file;
        }

        if (batchSize is { } b)
        {
            props["batch.size"] = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var task = stdin is null ? new FileStreamSourceTask() : new FileStreamSourceTask(stdin);
        task.Initialize(new FakeSourceContext(props, reader ?? new FakeOffsetReader()));
        task.Start(props);
        return task;
    }

    /// <summary>Polls until <paramref name="count"/> records arrived (tolerating retriable errors); fails after a generous timeout.</summary>
    public static List<SourceRecord> PollRecords(FileStreamSourceTask task, int count, TimeSpan? timeout = null)
    {
        var records = new List<SourceRecord>(count);
        var sw = Stopwatch.StartNew();
        var limit = timeout ?? Generous;
        while (records.Count < count)
        {
            Assert.True(sw.Elapsed < limit, $"Timed out after {records.Count} of {count} records");
            try
            {
                if (task.Poll() is { } batch)
                {
                    records.AddRange(batch);
                }
            }
            catch (RetriableException)
            {
            }
        }

        return records;
    }

    /// <summary>Polls until a condition holds on the records read so far.</summary>
    public static List<SourceRecord> PollUntil(FileStreamSourceTask task, Func<List<SourceRecord>, bool> done)
    {
        var records = new List<SourceRecord>();
        var sw = Stopwatch.StartNew();
        while (!done(records))
        {
            Assert.True(sw.Elapsed < Generous, $"Timed out; read so far: {string.Join(" | ", records.Select(r => r.Value))}");
            try
            {
                if (task.Poll() is { } batch)
                {
                    records.AddRange(batch);
                }
            }
            catch (RetriableException)
            {
            }
        }

        return records;
    }

    public static long Position(SourceRecord r) => Assert.IsType<long>(r.SourceOffset![FileStreamSourceTask.PositionField]);

    public static void Append(string path, string text)
    {
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        fs.Write(bytes);
    }
}
