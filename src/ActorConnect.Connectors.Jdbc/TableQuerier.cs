using System.Data;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using Npgsql;
using NpgsqlTypes;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>
/// Copies one table (or the configured query) in the configured mode. A query runs when the querier is due; its rows
/// are then read <c>batch.max.rows</c> at a time, one batch per poll, from the same open result set (as
/// kafka-connect-jdbc does), so ordering keys never need a LIMIT and ties on a timestamp are never cut in two.
/// When the result set is exhausted the querier is due again after <c>poll.interval.ms</c>.
/// <para>Queries, by mode (<c>ts</c> = the timestamp column or the COALESCE of several, <c>end</c> = the database's
/// current time minus <c>timestamp.delay.interval.ms</c>): incrementing <c>inc &gt; @inc ORDER BY inc</c>; timestamp
/// <c>ts &gt; @ts AND ts &lt; end ORDER BY ts</c>; timestamp+incrementing
/// <c>ts &lt; end AND ((ts = @ts AND inc &gt; @inc) OR ts &gt; @ts) ORDER BY ts, inc</c>; bulk: everything.</para>
/// </summary>
internal sealed class TableQuerier : IDisposable
{
    private readonly JdbcSourceConfig _config;
    private readonly TableId? _table;
    private readonly Action<string> _warn;
    private SourceOffset _offset;
    private Prepared? _prepared;
    private NpgsqlCommand? _command;
    private NpgsqlDataReader? _reader;

    public TableQuerier(JdbcSourceConfig config, TableId? table, IOffsetStorageReader offsets, Action<string> warn)
    {
        _config = config;
        _table = table;
        _warn = warn;
        if (table is null)
        {
            Partition = SourceOffset.QueryPartition;
            Topic = config.Prefix;
            _offset = SourceOffset.FromMap(offsets.Offset(Partition));
        }
        else
        {
            Partition = SourceOffset.TablePartition(table);
            Topic = config.Prefix + table.Name;
            _offset = SourceOffset.FromMap(offsets.Offset(Partition) ?? offsets.Offset(SourceOffset.LegacyTablePartition(table)));
        }
    }

    public IReadOnlyDictionary<string, object?> Partition { get; }

    public string Topic { get; }

    public string Name => _table?.Fqn ?? "query";

    /// <summary>When (Environment.TickCount64) the next query should run.</summary>
    public long NextDue { get; set; }

    public bool HasOpenResult => _reader is not null;

    /// <summary>Reads up to <paramref name="max"/> rows, running the query first when no result set is open.</summary>
    public List<SourceRecord> Read(NpgsqlConnection connection, int max, out bool exhausted)
    {
        if (_reader is null)
        {
            _prepared ??= Prepare(connection);
            Execute(connection);
            if (!_prepared.Matches(_reader!))
            {
                // The table changed shape since it was described: describe it again so the schema follows.
                Close();
                _prepared = Prepare(connection);
                Execute(connection);
            }
        }

        var records = new List<SourceRecord>(Math.Min(max, 4096));
        var reader = _reader!;
        var p = _prepared!;
        var fields = p.Fields;
        var columns = p.Columns;
        var tracksOffset = _config.ModeName != JdbcSourceConfig.ModeBulk;
        // The position moves only with a whole batch: a read failing half-way resumes after the last row returned.
        var incrementing = _offset.Incrementing;
        var timestamp = _offset.Timestamp;
        while (records.Count < max && reader.Read())
        {
            var value = new Struct(p.Schema);
            for (var i = 0; i < columns.Count; i++)
            {
                var c = columns[i];
                value.Put(fields[i], reader.IsDBNull(c.Ordinal) ? null : c.Read(reader, c.Ordinal));
            }

            IReadOnlyDictionary<string, object?>? offset = null;
            if (tracksOffset)
            {
                incrementing = p.IncrementingOrdinal is { } io ? ToLong(reader.GetValue(io)) : null;
                timestamp = p.TimestampOrdinals.Count > 0 ? FirstInstant(reader, p.TimestampOrdinals) ?? timestamp : null;
                offset = SourceOffset.ToMap(incrementing, timestamp);
            }

            records.Add(new SourceRecord(Partition, offset, Topic, p.Schema, value));
        }

        if (tracksOffset && records.Count > 0)
        {
            _offset = new SourceOffset(incrementing, timestamp);
        }

        exhausted = records.Count < max;
        if (exhausted)
        {
            Close();
        }

        return records;
    }

    /// <summary>Asks the server to cancel the statement in flight, from another thread (Stop), so a long query ends now.</summary>
    public void Cancel()
    {
        try
        {
            _command?.Cancel();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            // Nothing in flight any more, or the connection is gone: either way nothing is left to cancel.
        }
    }

    /// <summary>Drops the open result set (after an error, or when stopping).</summary>
    public void Close()
    {
        try
        {
            _reader?.Dispose();
            _command?.Dispose();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            // The connection is being dropped anyway.
        }

        _reader = null;
        _command = null;
    }

    public void Dispose() => Close();

    private string From => _table is null ? $"({_config.QueryText}) AS \"query\"" : _table.Quoted;

    private void Execute(NpgsqlConnection connection)
    {
        var p = _prepared!;
        var cmd = new NpgsqlCommand { Connection = connection, CommandTimeout = Math.Max(1, _config.QueryTimeoutMs / 1000) };
        var ts = p.TimestampExpression;
        var inc = p.IncrementingColumn is { } ic ? Sql.Quote(ic) : null;
        var end = $"CURRENT_TIMESTAMP - @delay * interval '1 millisecond'";
        var fromText = _table is null && _config.ModeName == JdbcSourceConfig.ModeBulk ? _config.QueryText : "SELECT * FROM " + From;
        cmd.CommandText = _config.ModeName switch
        {
            JdbcSourceConfig.ModeIncrementing => $"{fromText} WHERE {inc} > @inc ORDER BY {inc} ASC",
            JdbcSourceConfig.ModeTimestamp => $"{fromText} WHERE {ts} > @ts AND {ts} < {end} ORDER BY {ts} ASC",
            JdbcSourceConfig.ModeTimestampIncrementing =>
                $"{fromText} WHERE {ts} < {end} AND (({ts} = @ts AND {inc} > @inc) OR {ts} > @ts) ORDER BY {ts} ASC, {inc} ASC",
            _ => fromText,
        };
        if (_config.Suffix.Length > 0)
        {
            cmd.CommandText += " " + _config.Suffix;
        }

        if (_config.UsesIncrementing)
        {
            cmd.Parameters.Add(new NpgsqlParameter("inc", NpgsqlDbType.Bigint) { Value = _offset.Incrementing ?? -1L });
        }

        if (_config.UsesTimestamp)
        {
            _offset = _offset with { Timestamp = _offset.Timestamp ?? InitialTimestamp(connection) };
            cmd.Parameters.Add(new NpgsqlParameter("ts", NpgsqlDbType.TimestampTz) { Value = _offset.Timestamp!.Value });
            cmd.Parameters.Add(new NpgsqlParameter("delay", NpgsqlDbType.Double) { Value = (double)_config.TimestampDelayMs });
        }

        _command = cmd;
        _reader = cmd.ExecuteReader();
    }

    private DateTime InitialTimestamp(NpgsqlConnection connection)
    {
        if (_config.TimestampInitialMs is JdbcSourceConfig.TimestampInitialCurrent)
        {
            using var now = new NpgsqlCommand("SELECT CURRENT_TIMESTAMP", connection);
            return DateTime.SpecifyKind((DateTime)now.ExecuteScalar()!, DateTimeKind.Utc);
        }

        return DateTime.UnixEpoch.AddMilliseconds(_config.TimestampInitialMs ?? 0);
    }

    private Prepared Prepare(NpgsqlConnection connection)
    {
        using var cmd = new NpgsqlCommand($"SELECT * FROM {From} LIMIT 0", connection) { CommandTimeout = Math.Max(1, _config.QueryTimeoutMs / 1000) };
        using var reader = cmd.ExecuteReader();
        var columns = reader.GetColumnSchema();
        reader.Close();
        var notNull = _table is null ? null : NotNullColumns(connection, _table);
        bool Nullable(Npgsql.Schema.NpgsqlDbColumn c) => notNull is null ? c.AllowDBNull ?? true : !notNull.Contains(c.ColumnName);
        var (schema, mapped, skipped) = SourceSchemaMapper.Map(columns, _table?.Name, _config.Numeric, _config.TimeZone, Nullable);
        if (skipped.Count > 0)
        {
            _warn($"{Name}: columns of types with no Connect mapping are left out: {string.Join(", ", skipped)}");
        }

        var names = columns.Select(c => c.ColumnName).ToList();
        string? incrementing = null;
        if (_config.UsesIncrementing)
        {
            incrementing = _config.IncrementingColumnName.Length > 0 ? _config.IncrementingColumnName : DetectIdentity(connection);
            Require(incrementing, names, JdbcSourceConfig.IncrementingColumn, "Incrementing");
        }

        if (_config.UsesTimestamp)
        {
            foreach (var ts in _config.TimestampColumns)
            {
                Require(ts, names, JdbcSourceConfig.TimestampColumn, "Timestamp");
            }
        }

        // A query's columns have no declared nullability to check (kafka-connect-jdbc skips the check too).
        if (_config.ValidateNonNullColumns && _table is not null)
        {
            var nullable = (incrementing is null ? _config.TimestampColumns : _config.TimestampColumns.Append(incrementing))
                .Where(n => _config.UsesTimestamp || n == incrementing)
                .Where(n => Nullable(columns.First(c => c.ColumnName == n)))
                .ToList();
            // kafka-connect-jdbc accepts nullable timestamp columns when several are COALESCEd; only all-nullable is refused.
            if (incrementing is not null && nullable.Contains(incrementing) || _config.UsesTimestamp && _config.TimestampColumns.All(nullable.Contains))
            {
                throw new ConnectException(
                    $"Cannot make incremental queries using column(s) {string.Join(", ", nullable.Select(n => $"\"{n}\""))} on {Name} because they are nullable. " +
                    $"Declare them NOT NULL, or set {JdbcSourceConfig.ValidateNonNull}=false if nulls never occur.");
            }
        }

        var ordinalOf = mapped.ToDictionary(c => c.Name, c => c.Ordinal);
        int Ordinal(string n) => ordinalOf.TryGetValue(n, out var o) ? o : names.IndexOf(n);
        return new Prepared(
            schema,
            mapped,
            mapped.Select(c => schema.Field(c.Name)!).ToArray(),
            names,
            incrementing,
            incrementing is null ? null : Ordinal(incrementing),
            _config.UsesTimestamp ? _config.TimestampColumns.Select(Ordinal).ToList() : [],
            _config.TimestampColumns.Count switch
            {
                0 => string.Empty,
                1 => Sql.Quote(_config.TimestampColumns[0]),
                _ => "COALESCE(" + string.Join(", ", _config.TimestampColumns.Select(Sql.Quote)) + ")",
            },
            _config.TimeZone);
    }

    private static HashSet<string> NotNullColumns(NpgsqlConnection connection, TableId table)
    {
        using var cmd = new NpgsqlCommand("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(@t) AND attnum > 0 AND attnotnull AND NOT attisdropped", connection);
        cmd.Parameters.AddWithValue("t", table.Quoted);
        using var reader = cmd.ExecuteReader();
        var names = new HashSet<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private void Require(string column, List<string> names, string key, string what)
    {
        if (!names.Contains(column))
        {
            throw new ConnectException(
                $"{what} column \"{column}\" does not exist in {Name}; its columns are: {string.Join(", ", names)}. Set {key} to one of them (names are case-sensitive).");
        }
    }

    private string DetectIdentity(NpgsqlConnection connection)
    {
        if (_table is null)
        {
            throw new ConnectException($"mode={_config.ModeName} with a query needs {JdbcSourceConfig.IncrementingColumn}: set it to a strictly increasing column of the query's result.");
        }

        using var cmd = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = @s AND table_name = @t " +
            "AND (is_identity = 'YES' OR column_default LIKE 'nextval(%') ORDER BY ordinal_position LIMIT 1", connection);
        cmd.Parameters.AddWithValue("s", _table.Schema);
        cmd.Parameters.AddWithValue("t", _table.Name);
        return cmd.ExecuteScalar() as string ?? throw new ConnectException(
            $"mode={_config.ModeName}: {Name} has no identity or serial column to use as the incrementing column. Set {JdbcSourceConfig.IncrementingColumn}.");
    }

    private static long ToLong(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        decimal d => (long)d,
        _ => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
    };

    private DateTime? FirstInstant(NpgsqlDataReader reader, IReadOnlyList<int> ordinals)
    {
        foreach (var o in ordinals)
        {
            if (!reader.IsDBNull(o))
            {
                return SourceSchemaMapper.ReadInstant(reader, o, _config.TimeZone);
            }
        }

        return null;
    }

    /// <summary>What describing the table found: the record schema, how to read each column (and the field it fills), and the offset columns.</summary>
    private sealed record Prepared(
        Schema Schema,
        IReadOnlyList<SourceColumn> Columns,
        IReadOnlyList<Field> Fields,
        IReadOnlyList<string> Names,
        string? IncrementingColumn,
        int? IncrementingOrdinal,
        IReadOnlyList<int> TimestampOrdinals,
        string TimestampExpression,
        TimeZoneInfo Zone)
    {
        public bool Matches(NpgsqlDataReader reader)
        {
            if (reader.FieldCount != Names.Count)
            {
                return false;
            }

            for (var i = 0; i < Names.Count; i++)
            {
                if (reader.GetName(i) != Names[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
