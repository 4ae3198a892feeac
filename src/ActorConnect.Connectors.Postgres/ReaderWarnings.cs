using System.Collections.Concurrent;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// What the replication reader has to tell the status and the log: one warning per captured column whose type has no
/// mapping (its values are its text form), for the life of the task (relation messages describe a table again on
/// every reconnect and schema change, the warning is said once), and each signal it could not act on; and the lines
/// to log at INFO (the <c>log</c> signal, the log notification channel). Filled by the reader, drained by the poll thread.
/// </summary>
internal sealed class ReaderWarnings
{
    private readonly ConcurrentDictionary<string, bool> _warned = new();
    private readonly ConcurrentQueue<string> _pending = new();
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>Queues a warning for each unmapped column of <paramref name="table"/> not warned about yet.</summary>
    public void Note(TableSchema table)
    {
        foreach (var column in table.Unmapped)
        {
            if (_warned.TryAdd($"{table.SchemaName}.{table.TableName}.{column.Name}", true))
            {
                _pending.Enqueue($"Column {table.SchemaName}.{table.TableName}.{column.Name} has type {column.Type.Unmapped}, which this connector does not map: " +
                    "its values are captured as their text form (Debezium leaves such a column out unless include.unknown.datatypes=true).");
            }
        }
    }

    /// <summary>Queues <paramref name="warning"/>.</summary>
    public void Say(string warning) => _pending.Enqueue(warning);

    public bool TryTake(out string warning) => _pending.TryDequeue(out warning!);

    /// <summary>Queues <paramref name="line"/> to be logged at INFO.</summary>
    public void Info(string line) => _lines.Enqueue(line);

    public bool TryTakeLine(out string line) => _lines.TryDequeue(out line!);
}
