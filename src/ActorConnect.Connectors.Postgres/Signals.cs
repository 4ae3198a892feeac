using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using ActorConnect.Api.Data;
using ActorConnect.Api.Source;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>A signal as a channel delivered it: its id, type and data (JSON text), and where it came from, for warnings.</summary>
internal sealed record ReceivedSignal(string Id, string Type, string? Data, string From);

/// <summary>
/// The signals of the channels other than the signal table (<c>signal.enabled.channels</c> kafka, file), handed from
/// their readers to the stream's reader, which acts on them between transactions. Lives as long as the task, so a
/// signal read while the stream reconnects waits for the next stream.
/// </summary>
internal sealed class SignalInbox
{
    private readonly Channel<ReceivedSignal> _signals = Channel.CreateUnbounded<ReceivedSignal>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues a signal for the stream.</summary>
    public void Add(ReceivedSignal signal) => _signals.Writer.TryWrite(signal);

    public bool TryTake(out ReceivedSignal signal) => _signals.Reader.TryRead(out signal!);

    public bool Any => _signals.Reader.TryPeek(out _);

    /// <summary>Completes when a signal is queued (or <paramref name="ct"/> is cancelled).</summary>
    public Task WaitAsync(CancellationToken ct) => _signals.Reader.WaitToReadAsync(ct).AsTask();
}

/// <summary>
/// Acts on signals, whatever channel brought them, as Debezium's signal processor does: <c>execute-snapshot</c>
/// starts an incremental snapshot (<see cref="IncrementalSnapshot"/>; its window marks need the signal table) or
/// queues a blocking one, which runs once the stream is between transactions: streaming pauses there, the tables are
/// read whole (through their filters) as the initial snapshot reads them (<see cref="SnapshotReader"/>), and streaming
/// goes on from where it paused. <c>stop-snapshot</c> stops an incremental snapshot, <c>pause-snapshot</c> and
/// <c>resume-snapshot</c> pause and resume it, <c>log</c> logs its message at INFO (Debezium's <c>Log</c> action,
/// the first <c>{}</c> replaced by the current offset). A signal it cannot act on gives a warning (the task's status)
/// and is dropped. Runs on the stream's reader.
/// </summary>
internal sealed class Signals(PostgresConnectorConfig config, NpgsqlConnection catalog, ChangeEvents events, HandOver handOver, IncrementalSnapshot? incremental,
    SignalInbox? inbox, ReaderWarnings? warnings, Notifications? notifications = null)
{
    public const string SourceChannel = "source";
    public const string KafkaChannel = "kafka";
    public const string FileChannel = "file";
    private const string ExecuteSnapshot = "execute-snapshot";
    private const string StopSnapshot = "stop-snapshot";
    private const string PauseSnapshot = "pause-snapshot";
    private const string ResumeSnapshot = "resume-snapshot";
    private const string Log = "log";
    private const string SchemaChanges = "schema-changes";

    private readonly Queue<(ReceivedSignal Signal, SnapshotSignal Data, IReadOnlyList<string> Tables)> _blocking = new();

    /// <summary>True when channels other than the signal table feed signals: the stream's reader then waits for them too.</summary>
    public bool External => inbox is not null;

    /// <summary>True when something waits for the stream to be between transactions.</summary>
    public bool Pending => _blocking.Count > 0 || inbox?.Any == true;

    /// <summary>Completes when an external signal arrives.</summary>
    public Task ArrivedAsync(CancellationToken ct) => inbox?.WaitAsync(ct) ?? Task.Delay(Timeout.Infinite, ct);

    /// <summary>True for the signal table's changes.</summary>
    public bool IsSignalTable(string schema, string table) => config.SignalTable is { } signal && schema == signal.Schema && table == signal.Table;

    /// <summary>
    /// A row inserted into the signal table (columns id, type, data by position), read in the stream: a window mark
    /// goes to the incremental snapshot, a signal is acted on when the source channel is enabled.
    /// </summary>
    public async Task FromTableAsync(Struct row, TransactionInfo tx, ulong lsn, List<SourceRecord> records, CancellationToken ct)
    {
        var fields = row.Schema.Fields;
        if (fields.Count < 3)
        {
            return;
        }

        var (id, type, data) = (row.Get(fields[0].Name)?.ToString() ?? "", row.Get(fields[1].Name)?.ToString() ?? "", row.Get(fields[2].Name)?.ToString());
        if (incremental is not null && await incremental.WindowMarkAsync(id, type, tx, lsn, records, ct))
        {
            return;
        }

        if (config.SignalChannels.Contains(SourceChannel))
        {
            await ActAsync(new ReceivedSignal(id, type, data, $"in {config.SignalTable!.Value.Schema}.{config.SignalTable.Value.Table}"), () => events.OffsetAt(tx, lsn), ct);
        }
    }

    /// <summary>
    /// Between transactions: acts on the external signals that arrived, then runs the blocking snapshots asked for,
    /// their records placed after the transaction committed at <paramref name="commitLsn"/> (ending at <paramref name="endLsn"/>).
    /// </summary>
    public async Task BetweenTransactionsAsync(ulong commitLsn, ulong endLsn, CancellationToken ct)
    {
        while (inbox?.TryTake(out var signal) == true)
        {
            await ActAsync(signal, () => events.LastOffset, ct);
        }

        while (_blocking.TryDequeue(out var blocking))
        {
            var (signal, data, tables) = blocking;
            var scope = new SnapshotReader.Blocking(tables.Select(t => PostgresConnectorConfig.ParseTable(t)!.Value).ToList(), data.FilterFor, commitLsn, endLsn,
                (table, filter, e) => Warn(signal, $"its additional condition for {table}, '{SnapshotSignal.Shorten(filter)}', fails: {e.SqlState}: {e.MessageText}; " +
                    "that table is not snapshotted (a blocking snapshot's filter is a whole SELECT, as Debezium's: SELECT * FROM schema.table WHERE ...)"));
            await SnapshotReader.ReadAsync(config, null, commitLsn, events, handOver, ct, scope, notifications);
        }
    }

    /// <summary>Acts on <paramref name="signal"/>; <paramref name="offset"/> gives the stream's offset where it arrived (null: none yet), for a log signal.</summary>
    private async Task ActAsync(ReceivedSignal signal, Func<IReadOnlyDictionary<string, object?>?> offset, CancellationToken ct)
    {
        switch (signal.Type)
        {
            case Log:
                LogMessage(signal, offset());
                return;
            case PauseSnapshot or ResumeSnapshot:
                await PauseOrResumeAsync(signal, ct);
                return;
            case SchemaChanges:
                Warn(signal, "Debezium's PostgreSQL connector takes nothing from it either (for PostgreSQL it only refreshes table schemas held in memory, " +
                    "and this connector reads them from pgoutput's relation messages in the stream)");
                return;
            case not (ExecuteSnapshot or StopSnapshot):
                Warn(signal, "this connector acts on execute-snapshot (incremental or blocking), stop-snapshot, pause-snapshot and resume-snapshot (incremental), and log");
                return;
        }

        if (SnapshotSignal.Parse(signal.Data, out var problem) is not { } data)
        {
            Warn(signal, problem!);
            return;
        }

        var tables = Matching(data.Collections);
        if (signal.Type == StopSnapshot)
        {
            if (data.Blocking)
            {
                Warn(signal, "a blocking snapshot cannot be stopped; stop-snapshot stops incremental ones");
            }
            else if (incremental is not { Running: true })
            {
                Warn(signal, "no incremental snapshot is running");
            }
            else if (data.Collections.Count == 0 || tables.Count > 0)
            {
                await incremental.StopAsync(tables, ct);
            }

            return;
        }

        if (data.Collections.Count == 0)
        {
            Warn(signal, "its data-collections names no table");
            return;
        }

        if (data.Collections.FirstOrDefault(e => !tables.Any(m => Matches(m, e))) is { } unmatched)
        {
            Warn(signal, $"'{SnapshotSignal.Shorten(unmatched)}' matches no captured table (schema.table, or a regular expression, of a table in table.include.list and the publication); " +
                (tables.Count == 0 ? "nothing is snapshotted" : $"the others ({string.Join(", ", tables)}) are"));
        }

        if (tables.Count == 0)
        {
            return;
        }

        if (data.Blocking)
        {
            _blocking.Enqueue((signal, data, tables));
        }
        else if (incremental is null)
        {
            Warn(signal, "an incremental snapshot writes its window marks to the signal table, and signal.data.collection is not set (as in Debezium); " +
                "set it, or ask for a blocking snapshot (\"type\": \"blocking\")");
        }
        else
        {
            await incremental.ExecuteAsync(signal.Id, data, tables, ct);
        }
    }

    /// <summary>
    /// Debezium's Log action: <c>data.message</c> logged at INFO, its first <c>{}</c> replaced by the offset (as an SLF4J
    /// argument: Java's map form, <c>{lsn=..., txId=...}</c>; <c>&lt;none&gt;</c> before any).
    /// </summary>
    private void LogMessage(ReceivedSignal signal, IReadOnlyDictionary<string, object?>? offset)
    {
        string? message;
        try
        {
            message = string.IsNullOrWhiteSpace(signal.Data) ? null : (string?)JsonNode.Parse(signal.Data)?["message"];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            message = null;
        }

        if (string.IsNullOrEmpty(message))
        {
            Warn(signal, "a log signal's data needs a message, {\"message\": \"text, {} for the offset\"}");
            return;
        }

        var at = message.IndexOf("{}", StringComparison.Ordinal);
        warnings?.Info(at < 0 ? message : message[..at] + JavaMap(offset) + message[(at + 2)..]);
    }

    private static string JavaMap(IReadOnlyDictionary<string, object?>? map) => map is null
        ? "<none>"
        : "{" + string.Join(", ", map.Select(kv => $"{kv.Key}={(kv.Value is bool b ? (b ? "true" : "false") : Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "null")}")) + "}";

    /// <summary>pause-snapshot and resume-snapshot, as Debezium's: they act on a running incremental snapshot (not paused, paused).</summary>
    private async Task PauseOrResumeAsync(ReceivedSignal signal, CancellationToken ct)
    {
        var pause = signal.Type == PauseSnapshot;
        if (incremental is not { Running: true })
        {
            Warn(signal, "no incremental snapshot is running");
        }
        else if (incremental.Paused == pause)
        {
            Warn(signal, pause ? "the incremental snapshot is paused already" : "the incremental snapshot is not paused");
        }
        else if (pause)
        {
            incremental.Pause();
        }
        else
        {
            await incremental.ResumeAsync(ct);
        }
    }

    private void Warn(ReceivedSignal signal, string problem) =>
        warnings?.Say($"Signal '{SnapshotSignal.Shorten(signal.Id)}' ({SnapshotSignal.Shorten(signal.Type)}) {signal.From} is ignored: {problem}.");

    private static bool Matches(string table, string entry) =>
        table == entry || Regex.IsMatch(table, "^(?:" + entry + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>The captured tables, "schema.table", that the signal's entries (names or regexes on them) match, in the entries' order.</summary>
    private IReadOnlyList<string> Matching(IReadOnlyList<string> entries)
    {
        var captured = ReplicationSetup.CapturedTables(catalog, config).Select(t => t.Schema + "." + t.Table).ToList();
        return entries.SelectMany(e => captured.Where(c => Matches(c, e))).Distinct().ToList();
    }
}
