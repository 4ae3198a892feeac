using System.Text;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;
using Npgsql;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Writes the records of its topics into PostgreSQL tables (<c>table.name.format</c>). Each <see cref="Put"/> is one
/// transaction, after any CREATE or ALTER TABLE the records need: inserts and upserts by binary COPY
/// (<see cref="SinkCopy"/>), updates and deletes as multi-row statements (<see cref="SinkStatements"/>), in the records'
/// order; the offsets of a batch are committed only after its transaction committed.
/// <para>Failures: an unreachable database (or a deadlock / serialization failure) is retried up to
/// <c>max.retries</c> times, <c>retry.backoff.ms</c> apart, by throwing <see cref="RetriableException"/> so the runtime
/// redelivers the same batch (the status says why); after that, and for any other failure, the task fails with the
/// reason. Tombstones delete rows when <c>delete.enabled</c> (else they are skipped).</para>
/// </summary>
public sealed class JdbcSinkTask : SinkTask, ITaskWarnings
{
    private readonly Dictionary<(Schema?, Schema?, string), SinkShape> _shapes = new();
    private readonly Dictionary<SinkShape, string> _staging = new();
    private JdbcSinkConfig? _config;
    private SinkTables? _tables;
    private NpgsqlConnection? _connection;
    private int _remainingRetries;
    private volatile string? _lastWarning;

    /// <inheritdoc />
    public override string Version => JdbcConnectorVersion.Value;

    /// <inheritdoc />
    public string? LastWarning => _lastWarning;

    /// <inheritdoc />
    public override void Start(IReadOnlyDictionary<string, string> props)
    {
        _config = JdbcSinkConfig.Parse(props);
        _tables = new SinkTables(_config);
        _remainingRetries = _config.Retries;
    }

    /// <inheritdoc />
    public override void Put(IReadOnlyCollection<SinkRecord> records)
    {
        var config = _config ?? throw new InvalidOperationException("Put before Start");
        if (records.Count == 0)
        {
            return;
        }

        var runs = Plan(config, records);
        try
        {
            var connection = _connection is { State: System.Data.ConnectionState.Open } open ? open : _connection = PgConnections.Open(config.ConnectionString);
            var types = runs.Select(r => (r.Table, r.Shape)).Distinct().ToDictionary(t => t, t => _tables!.Ensure(connection, t.Table, t.Shape));
            var staging = runs.Where(r => SinkCopy.Applies(r.Kind) && !SinkCopy.Direct(r.Kind, r.Shape, types[(r.Table, r.Shape)]))
                .Select(r => r.Shape).Distinct().ToDictionary(s => s, s => Staging(connection, s));
            using var tx = connection.BeginTransaction();
            var batch = new NpgsqlBatch(connection, tx);
            var staged = new HashSet<string>();
            try
            {
                foreach (var run in runs)
                {
                    var columnTypes = types[(run.Table, run.Shape)];
                    if (SinkCopy.Applies(run.Kind))
                    {
                        var direct = !staging.TryGetValue(run.Shape, out var stage);
                        if (!direct && !staged.Add(stage!))
                        {
                            // The staging table still holds an earlier run of this transaction (commit empties it).
                            batch.BatchCommands.Add(SinkCopy.EmptyStaging(stage!));
                        }

                        // COPY is its own protocol exchange: the statements before it go first, to keep the batch's order.
                        batch = Flush(batch, connection, tx);
                        SinkCopy.Import(connection, direct ? run.Table : stage!, run.Shape, run.Records);
                        if (!direct)
                        {
                            batch.BatchCommands.Add(SinkCopy.FromStaging(run.Kind, run.Table, stage!, run.Shape, columnTypes));
                        }

                        continue;
                    }

                    if (run.Kind == SinkStatements.Kind.Update && run.Shape.Values.Count == 0)
                    {
                        continue;
                    }

                    foreach (var command in SinkStatements.Build(run.Kind, run.Table, run.Shape, columnTypes, run.Records, config.Batch))
                    {
                        batch.BatchCommands.Add(command);
                    }
                }

                batch = Flush(batch, connection, tx);
            }
            finally
            {
                batch.Dispose();
            }

            tx.Commit();
            _remainingRetries = config.Retries;
        }
        catch (Exception e) when (e is not ConnectException || e is RetriableException)
        {
            Drop();
            var translated = PgConnections.Translate(e, config.ConnectionString, $"writing {records.Count} records");
            var retriable = translated is RetriableException || e is PostgresException { SqlState: "40001" or "40P01" };
            if (!retriable)
            {
                throw translated;
            }

            if (_remainingRetries <= 0)
            {
                throw new ConnectException($"{translated.Message} Gave up after {config.Retries} retries ({JdbcSinkConfig.MaxRetries}); the batch's offsets were not committed, so a restart writes it again.", e);
            }

            _remainingRetries--;
            Context.Timeout(config.BackoffMs);
            throw new RetriableException($"{translated.Message} (retry {config.Retries - _remainingRetries} of {config.Retries} in {config.BackoffMs} ms)", e);
        }
        catch (ConnectException)
        {
            // A schema problem may come from a table changed behind our back: read it again next time.
            _tables!.Forget();
            throw;
        }
    }

    /// <inheritdoc />
    public override void Stop() => Drop();

    /// <summary>Runs the statements gathered so far in one round trip and starts an empty batch.</summary>
    private static NpgsqlBatch Flush(NpgsqlBatch batch, NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        if (batch.BatchCommands.Count == 0)
        {
            return batch;
        }

        batch.ExecuteNonQuery();
        batch.Dispose();
        return new NpgsqlBatch(connection, tx);
    }

    /// <summary>
    /// The session's temp staging table for a shape, created outside the batch's transaction so that a rolled-back
    /// batch does not take it away; a new connection (after <see cref="Drop"/>) creates it again.
    /// </summary>
    private string Staging(NpgsqlConnection connection, SinkShape shape)
    {
        if (!_staging.TryGetValue(shape, out var name))
        {
            name = $"pg_temp.{Sql.Quote("actorconnect_stage_" + _staging.Count)}";
            using var create = new NpgsqlCommand(SinkCopy.CreateStaging(name, shape), connection);
            create.ExecuteNonQuery();
            _staging[shape] = name;
        }

        return name;
    }

    private List<Run> Plan(JdbcSinkConfig config, IReadOnlyCollection<SinkRecord> records)
    {
        var runs = new List<Run>();
        var lastRunOfTable = new Dictionary<string, Run>();
        var skipped = 0;
        foreach (var record in records)
        {
            var table = SinkTables.QuotedName(config.TableFormat, record.Topic);
            SinkStatements.Kind kind;
            if (record.Value is null)
            {
                if (!config.Deletes)
                {
                    skipped++;
                    continue;
                }

                kind = SinkStatements.Kind.Delete;
            }
            else
            {
                if (record.Value is not Struct || record.ValueSchema is not { Type: SchemaType.Struct })
                {
                    throw new DataException(Schemaless(record));
                }

                kind = config.Insert switch
                {
                    "upsert" => SinkStatements.Kind.Upsert,
                    "update" => SinkStatements.Kind.Update,
                    _ => SinkStatements.Kind.Insert,
                };
            }

            var shape = Shape(config, record, table, kind);
            if (lastRunOfTable.TryGetValue(table, out var last) && last.Kind == kind && Equals(last.Shape, shape))
            {
                last.Add(record);
            }
            else
            {
                var run = new Run(table, kind, shape);
                run.Add(record);
                runs.Add(run);
                lastRunOfTable[table] = run;
            }
        }

        if (skipped > 0)
        {
            _lastWarning = $"{skipped} tombstone record(s) skipped: set {JdbcSinkConfig.DeleteEnabled}=true (with pk.mode=record_key) to delete their rows.";
        }

        return runs;
    }

    private SinkShape Shape(JdbcSinkConfig config, SinkRecord record, string table, SinkStatements.Kind kind)
    {
        // A tombstone has no value schema: its key columns are those of the table's upserts.
        var valueSchema = kind == SinkStatements.Kind.Delete ? null : record.ValueSchema;
        var key = (record.KeySchema, valueSchema, table);
        if (!_shapes.TryGetValue(key, out var shape))
        {
            shape = SinkShape.For(config, record.KeySchema, valueSchema, table);
            _shapes[key] = shape;
        }

        return shape;
    }

    private static string Schemaless(SinkRecord record)
    {
        var what = record.Value switch
        {
            null => "null",
            System.Collections.IDictionary => "map (schemaless JSON)",
            _ => record.Value.GetType().Name,
        };
        var schema = record.ValueSchema is null ? "no schema" : $"schema type {record.ValueSchema.Type}";
        return new StringBuilder()
            .Append($"JdbcSinkConnector needs records with a Struct value and a value schema, but the record at {record.OriginalTopic}-{record.OriginalKafkaPartition} offset {record.OriginalKafkaOffset} ")
            .Append($"has a {what} value with {schema}. Use value.converter=org.apache.kafka.connect.json.JsonConverter with value.converter.schemas.enable=true ")
            .Append("(the JSON must carry {\"schema\": ..., \"payload\": ...}), or a converter with schemas such as Avro, Protobuf or JSON Schema.")
            .ToString();
    }

    private void Drop()
    {
        PgConnections.CloseQuietly(_connection);
        _connection = null;
        _staging.Clear();
        _tables?.Forget();
    }

    /// <summary>Consecutive records of one table with the same shape and kind: one or a few multi-row statements.</summary>
    private sealed class Run(string table, SinkStatements.Kind kind, SinkShape shape)
    {
        private readonly List<SinkRecord> _records = [];
        private readonly Dictionary<string, int> _byKey = new();

        public string Table { get; } = table;

        public SinkStatements.Kind Kind { get; } = kind;

        public SinkShape Shape { get; } = shape;

        public IReadOnlyList<SinkRecord> Records => _records;

        /// <summary>
        /// Adds a record; for keyed writes a later record with the same key replaces the earlier one, since one statement
        /// may not touch a row twice (ON CONFLICT refuses it) and the later record wins anyway.
        /// </summary>
        public void Add(SinkRecord record)
        {
            if (Kind == SinkStatements.Kind.Insert || Shape.Keys.Count == 0)
            {
                _records.Add(record);
                return;
            }

            var key = string.Join("\u0001", Shape.Keys.Select(k => Format(k.Extract(record))));
            if (_byKey.TryGetValue(key, out var index))
            {
                _records[index] = record;
            }
            else
            {
                _byKey[key] = _records.Count;
                _records.Add(record);
            }
        }

        private static string Format(object? value) => value switch
        {
            null => "\u0000",
            byte[] b => Convert.ToBase64String(b),
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
    }
}
