using System.Diagnostics;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.TestKit;

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

/// <summary>Offsets the runtime would have stored for the file source of <see cref="Polling.StartSource"/>.</summary>
public static class StoredOffsets
{
    public const string Connector = "my-file-source";

    /// <summary>A store holding <paramref name="position"/> as <paramref name="file"/>'s offset.</summary>
    public static InMemoryOffsetStore At(string file, object? position) => new InMemoryOffsetStore().With(Connector,
        new Dictionary<string, object?> { [FileStreamSourceTask.FilenameField] = file },
        new Dictionary<string, object?> { [FileStreamSourceTask.PositionField] = position });
}

public static class Polling
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    public static FileStreamSourceTask StartSource(string? file, InMemoryOffsetStore? offsets = null, int? batchSize = null, Stream? stdin = null, string topic = "lines")
    {
        var props = new Dictionary<string, string> { ["topic"] = topic, ["name"] = StoredOffsets.Connector };
        if (file is not null)
        {
            props["file"] = file;
        }

        if (batchSize is { } b)
        {
            props["batch.size"] = b.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var task = stdin is null ? new FileStreamSourceTask() : new FileStreamSourceTask(stdin);
        task.Initialize(new InMemorySourceTaskContext(props, offsets));
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
