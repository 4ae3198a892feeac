using ActorConnect.Api.Source;
using ActorConnect.TestSupport;
using Npgsql;

namespace ActorConnect.Connectors.Postgres.Tests;

/// <summary>
/// A database of its own for one test (wal_level=logical PostgreSQL from <c>POSTGRES_CONNECTION_STRING</c>), with a
/// unique slot and publication name; disposing drops the slot (a leftover slot would hold WAL forever) and the database.
/// </summary>
public sealed class CdcDatabase : IAsyncDisposable
{
    private CdcDatabase(string admin, string name)
    {
        Admin = admin;
        Name = name;
        var b = new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false };
        ConnectionString = b.ConnectionString;
        Host = b.Host!;
        Port = b.Port;
        User = b.Username!;
        Password = b.Password!;
        Slot = "t_" + name;
    }

    public string Admin { get; }
    public string Name { get; }
    public string ConnectionString { get; }
    public string Host { get; }
    public int Port { get; }
    public string User { get; }
    public string Password { get; }
    public string Slot { get; }
    public string Publication => Slot + "_pub";

    public static async Task<CdcDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("POSTGRES_CONNECTION_STRING") is { Length: > 0 } env
            ? env
            : throw new InvalidOperationException("POSTGRES_CONNECTION_STRING is not set: scripts/test.sh sets it (or run scripts/postgres-local.sh start and export what it prints).");
        var name = "cdc_" + Guid.NewGuid().ToString("N")[..12];
        await ExecAsync(admin, $"CREATE DATABASE {name}");
        return new CdcDatabase(admin, name);
    }

    /// <summary>Debezium-style connector keys pointing at this database, plus <paramref name="extra"/>.</summary>
    public Dictionary<string, string> Config(string prefix, params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string>
        {
            ["database.hostname"] = Host,
            ["database.port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["database.user"] = User,
            ["database.password"] = Password,
            ["database.dbname"] = Name,
            ["topic.prefix"] = prefix,
            ["slot.name"] = Slot,
            ["publication.name"] = Publication,
            ["snapshot.mode"] = "no_data",
            ["poll.interval.ms"] = "200",
        };
        foreach (var (k, v) in extra)
        {
            config[k] = v;
        }

        return config;
    }

    public Task ExecAsync(string sql) => ExecAsync(ConnectionString, sql);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>The slot's confirmed flush LSN as a number, or null when the slot does not exist.</summary>
    public async Task<ulong?> ConfirmedFlushAsync()
    {
        var text = await ScalarAsync<string>($"SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = '{Slot}'");
        return text is null ? null : (ulong)NpgsqlTypes.NpgsqlLogSequenceNumber.Parse(text);
    }

    public async ValueTask DisposeAsync()
    {
        // The slot first: it may still be held by a stopping walsender, which the termination ends.
        await ExecAsync(Admin, $"SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '{Slot}' AND active_pid IS NOT NULL");
        await Eventually.AssertAsync(async () =>
        {
            await ExecAsync(Admin, $"SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{Slot}' AND NOT active");
            await using var connection = new NpgsqlConnection(Admin);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{Slot}'", connection);
            return (long)(await cmd.ExecuteScalarAsync())! == 0;
        }, TimeSpan.FromSeconds(30), $"slot {Slot} is dropped");
        await ExecAsync(Admin, $"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    private static async Task ExecAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

/// <summary>
/// Runs a <see cref="PostgresSourceTask"/> the way the runtime does, without Kafka: polls on the test's thread,
/// acknowledges records (CommitRecord), stores their offsets in memory and calls Commit, so tests decide exactly
/// what counts as in Kafka.
/// </summary>
public sealed class TaskRunner : IDisposable
{
    private readonly MemoryOffsets _offsets;

    public TaskRunner(IReadOnlyDictionary<string, string> config, MemoryOffsets? offsets = null)
    {
        _offsets = offsets ?? new MemoryOffsets();
        Task = new PostgresSourceTask();
        Task.Initialize(new Context(config, _offsets));
        Task.Start(config);
    }

    public PostgresSourceTask Task { get; }

    public MemoryOffsets Offsets => _offsets;

    /// <summary>Polls until <paramref name="count"/> records came (or fails after a minute); unacknowledged.</summary>
    public async Task<List<SourceRecord>> PollAsync(int count)
    {
        var records = new List<SourceRecord>();
        await Eventually.AssertAsync(() =>
        {
            records.AddRange(Task.Poll() ?? []);
            return records.Count >= count;
        }, TimeSpan.FromMinutes(1), $"{count} records polled (got {records.Count})", TimeSpan.Zero);
        return records;
    }

    /// <summary>Polls once so the task connects, prepares the slot and starts streaming.</summary>
    public List<SourceRecord> PollOnce() => [.. Task.Poll() ?? []];

    /// <summary>Kafka acknowledged these records, and the runtime stored their offsets and called Commit.</summary>
    public void AcknowledgeAndStore(IEnumerable<SourceRecord> records)
    {
        foreach (var record in records)
        {
            Task.CommitRecord(record, new RecordMetadata(record.Topic, 0, 0, null));
            // As the runtime: a record without a source partition (a notification) stores no offset.
            if (record.SourcePartition is not null)
            {
                _offsets.Stored = record.SourceOffset;
            }
        }

        Task.Commit();
    }

    public void Dispose() => Task.Stop();

    /// <summary>The one source partition's stored offset.</summary>
    public sealed class MemoryOffsets : IOffsetStorageReader
    {
        public IReadOnlyDictionary<string, object?>? Stored { get; set; }

        public IReadOnlyDictionary<string, object?>? Offset(IReadOnlyDictionary<string, object?> partition) => Stored;

        public IReadOnlyDictionary<IReadOnlyDictionary<string, object?>, IReadOnlyDictionary<string, object?>> Offsets(IEnumerable<IReadOnlyDictionary<string, object?>> partitions) =>
            throw new NotSupportedException();
    }

    private sealed class Context(IReadOnlyDictionary<string, string> configs, IOffsetStorageReader offsets) : ISourceTaskContext
    {
        public IReadOnlyDictionary<string, string> Configs => configs;
        public IOffsetStorageReader OffsetStorageReader => offsets;
    }
}
