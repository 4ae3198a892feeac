using System.Text.RegularExpressions;
using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;
using Npgsql;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// The keys of Debezium's PostgreSQL connector this connector understands, with Debezium's names, defaults and
/// accepted values, so a Debezium connector config runs unchanged; and the keys it accepts but does not act on yet.
/// </summary>
internal sealed partial record PostgresConnectorConfig
{
    public const string Hostname = "database.hostname";
    public const string Port = "database.port";
    public const string User = "database.user";
    public const string Password = "database.password";
    public const string DbName = "database.dbname";
    public const string TopicPrefix = "topic.prefix";
    public const string PluginName = "plugin.name";
    public const string SlotName = "slot.name";
    public const string PublicationName = "publication.name";
    public const string PublicationAutocreateMode = "publication.autocreate.mode";
    public const string TableIncludeList = "table.include.list";
    public const string TableExcludeList = "table.exclude.list";
    public const string SchemaIncludeList = "schema.include.list";
    public const string SchemaExcludeList = "schema.exclude.list";
    public const string ColumnIncludeList = "column.include.list";
    public const string ColumnExcludeList = "column.exclude.list";
    public const string MessageKeyColumns = "message.key.columns";
    public const string SnapshotMode = "snapshot.mode";
    public const string SnapshotFetchSize = "snapshot.fetch.size";
    public const string TombstonesOnDelete = "tombstones.on.delete";
    public const string DecimalHandlingMode = "decimal.handling.mode";
    public const string TimePrecisionMode = "time.precision.mode";
    public const string BinaryHandlingMode = "binary.handling.mode";
    public const string IntervalHandlingMode = "interval.handling.mode";
    public const string HstoreHandlingMode = "hstore.handling.mode";
    public const string MoneyFractionDigits = "money.fraction.digits";
    public const string SkippedOperations = "skipped.operations";
    public const string SlotDropOnStop = "slot.drop.on.stop";
    public const string MaxBatchSize = "max.batch.size";
    public const string MaxQueueSize = "max.queue.size";
    public const string PollIntervalMs = "poll.interval.ms";
    public const string HeartbeatIntervalMs = "heartbeat.interval.ms";
    public const string HeartbeatActionQuery = "heartbeat.action.query";
    public const string TopicHeartbeatPrefix = "topic.heartbeat.prefix";
    public const string SlotLagWarningBytes = "slot.lag.warning.bytes";

    private const string ConnectionGroup = "Connection";
    private const string ReplicationGroup = "Replication";
    private const string FiltersGroup = "Filters";
    private const string EventsGroup = "Events";
    private const string HeartbeatGroup = "Heartbeat";

    /// <summary>
    /// Debezium keys accepted but not acted on yet, each with what the connector does instead; each one set gets
    /// one warning naming it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> NotYetSupported = new Dictionary<string, string>
    {
        ["provide.transaction.metadata"] = "the envelope's transaction field stays null",
        ["include.unknown.datatypes"] = "columns of other types are captured as their text form",
        ["slot.stream.params"] = "pgoutput's own parameters are used",
        ["publish.via.partition.root"] = "partitions are published as themselves",
        ["database.sslmode"] = "the connection uses Npgsql's default (prefer)",
        ["schema.name.adjustment.mode"] = "names are not adjusted (Debezium's default, none)",
        ["event.processing.failure.handling.mode"] = "a change that cannot be converted fails the task (Debezium's default, fail)",
    };

    /// <summary>Keys the runtime handles for every connector: never warned about.</summary>
    private static readonly string[] RuntimeKeyPrefixes =
    [
        "name", "connector.class", "tasks.max", "key.converter", "value.converter", "header.converter", "transforms",
        "predicates", "errors.", "config.action.reload", "producer.override.", "consumer.override.", "admin.override.",
        "topic.creation.", "exactly.once.support", "transaction.boundary", "offsets.storage.topic", "task.class",
    ];

    public required string ConnectionString { get; init; }
    public required string Database { get; init; }
    public required string Prefix { get; init; }
    public required string Slot { get; init; }
    public required string Publication { get; init; }
    public required string AutocreateMode { get; init; }
    public IReadOnlyList<Regex> IncludeTables { get; init; } = [];
    public IReadOnlyList<Regex> ExcludeTables { get; init; } = [];
    public IReadOnlyList<Regex> IncludeSchemas { get; init; } = [];
    public IReadOnlyList<Regex> ExcludeSchemas { get; init; } = [];
    public IReadOnlyList<Regex> IncludeColumns { get; init; } = [];
    public IReadOnlyList<Regex> ExcludeColumns { get; init; } = [];
    public KeyColumns KeyColumns { get; init; } = KeyColumns.None;
    public required string Snapshot { get; init; }
    public int FetchSize { get; init; }
    public bool Tombstones { get; init; }
    public required string Decimals { get; init; }
    public required string TimePrecision { get; init; }
    public required string Binary { get; init; }
    public string Intervals { get; init; } = "numeric";
    public string Hstore { get; init; } = "json";
    public int MoneyScale { get; init; } = 2;
    public IReadOnlySet<char> Skipped { get; init; } = new HashSet<char>();
    public bool DropSlotOnStop { get; init; }
    public int BatchSize { get; init; }

    /// <summary>The most change records read ahead of the poll thread (Debezium's max.queue.size).</summary>
    public int QueueSize { get; init; } = 8192;
    public int PollMs { get; init; }
    public int HeartbeatMs { get; init; }
    public string? HeartbeatQuery { get; init; }
    public required string HeartbeatTopic { get; init; }
    public long LagWarningBytes { get; init; }


    public static ConfigDef Definition() => DefineSignals(new ConfigDef()
        .DefineRequired(Hostname, ConfigType.String, Importance.High, "Resolvable hostname or IP address of the PostgreSQL server.",
            ConfigValidators.NonEmptyString(), ConnectionGroup, "Hostname")
        .Define(Port, ConfigType.Int, 5432, Importance.High, "Port of the PostgreSQL server.", ConfigValidators.Range(1, 65535), ConnectionGroup, "Port")
        .DefineRequired(User, ConfigType.String, Importance.High,
            "Name of the PostgreSQL user; it needs the REPLICATION attribute (or to be a superuser) and SELECT on the captured tables.",
            ConfigValidators.NonEmptyString(), ConnectionGroup, "User")
        .Define(Password, ConfigType.Password, null, Importance.High, "Password of the PostgreSQL user.", group: ConnectionGroup, displayName: "Password")
        .DefineRequired(DbName, ConfigType.String, Importance.High, "The name of the database to capture changes from.",
            ConfigValidators.NonEmptyString(), ConnectionGroup, "Database")
        .DefineRequired(TopicPrefix, ConfigType.String, Importance.High,
            "Topic prefix naming this PostgreSQL server: topics are <topic.prefix>.<schema>.<table>, and it is the source partition of the offsets.",
            ConfigValidators.Lambda(ValidatePrefix, "letters, digits, '.', '_' and '-'"), ConnectionGroup, "Topic prefix")
        .Define(PluginName, ConfigType.String, "pgoutput", Importance.Medium,
            "The logical decoding plugin; only pgoutput, built into PostgreSQL 10+, is supported.",
            ConfigValidators.Lambda(v => v is "pgoutput" ? null : "Only pgoutput is supported; decoderbufs needs a server extension this connector does not read. Set plugin.name=pgoutput",
                "pgoutput"), ReplicationGroup, "Plugin")
        .Define(SlotName, ConfigType.String, "debezium", Importance.Medium,
            "The logical replication slot this connector streams from (created when missing).",
            ConfigValidators.Lambda(ValidateSlot, "lower-case letters, digits and '_', at most 63"), ReplicationGroup, "Slot")
        .Define(PublicationName, ConfigType.String, "dbz_publication", Importance.Medium,
            "The publication the slot streams (created per publication.autocreate.mode when missing).",
            ConfigValidators.NonEmptyString(), ReplicationGroup, "Publication")
        .Define(PublicationAutocreateMode, ConfigType.String, "all_tables", Importance.Medium,
            "all_tables: create the publication FOR ALL TABLES; filtered: for the tables the include/exclude lists select (and keep it in step); " +
            "disabled: the publication must exist.",
            ConfigValidators.ValidString("all_tables", "filtered", "disabled"), ReplicationGroup, "Publication auto-create mode")
        .Define(SlotDropOnStop, ConfigType.Boolean, false, Importance.Low,
            "Drop the slot when the task stops (for tests; the changes made meanwhile are lost).", group: ReplicationGroup, displayName: "Drop slot on stop")
        .Define(TableIncludeList, ConfigType.List, "", Importance.Medium,
            "Regular expressions matching the schema-qualified names (schema.table) of the tables to capture; empty: every table.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Include tables")
        .Define(TableExcludeList, ConfigType.List, "", Importance.Medium,
            "Regular expressions matching the schema-qualified names of the tables not to capture.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Exclude tables")
        .Define(SchemaIncludeList, ConfigType.List, "", Importance.Medium, "Regular expressions matching the schemas to capture; empty: every schema.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Include schemas")
        .Define(SchemaExcludeList, ConfigType.List, "", Importance.Medium, "Regular expressions matching the schemas not to capture.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Exclude schemas")
        .Define(ColumnIncludeList, ConfigType.List, "", Importance.Medium,
            "Regular expressions matching the fully-qualified names (schema.table.column) of the columns in the records' rows; empty: every column.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Include columns")
        .Define(ColumnExcludeList, ConfigType.List, "", Importance.Medium,
            "Regular expressions matching the fully-qualified names (schema.table.column) of the columns left out of the records' rows.",
            ConfigValidators.Lambda(ValidateRegexes, "regular expressions"), FiltersGroup, "Exclude columns")
        .Define(MessageKeyColumns, ConfigType.String, null, Importance.Medium,
            "Custom keys: <table regex>:<column>[,<column>...] entries separated by ';' (the regex on schema.table); a table an entry names columns " +
            "of is keyed by them instead of its primary key.",
            ConfigValidators.Lambda(KeyColumns.Validate, "<table regex>:<column>[,<column>...];..."), EventsGroup, "Message key columns")
        .Define(SnapshotMode, ConfigType.String, "initial", Importance.Medium,
            "When to snapshot the captured tables before streaming: initial and when_needed (when no complete snapshot is stored), initial_only " +
            "(the same, then no streaming), always (on every start), no_data or never (stream only).",
            ConfigValidators.ValidString("initial", "initial_only", "no_data", "never", "always", "when_needed"), EventsGroup, "Snapshot mode")
        .Define(SnapshotFetchSize, ConfigType.Int, 10240, Importance.Medium,
            "How many rows of a table the snapshot fetches at a time (through a cursor, so a large table is never read into memory whole).",
            ConfigValidators.AtLeast(1), EventsGroup, "Snapshot fetch size")
        .Define(TombstonesOnDelete, ConfigType.Boolean, true, Importance.Medium,
            "Follow each delete event with a tombstone (null value), so a compacted topic can drop the key.", group: EventsGroup, displayName: "Tombstones on delete")
        .Define(DecimalHandlingMode, ConfigType.String, "precise", Importance.Medium,
            "numeric columns: precise (Kafka Connect's Decimal; unconstrained numeric as io.debezium.data.VariableScaleDecimal), double, or string.",
            ConfigValidators.ValidString("precise", "double", "string"), EventsGroup, "Decimal handling")
        .Define(TimePrecisionMode, ConfigType.String, "adaptive", Importance.Medium,
            "Temporal columns: adaptive (io.debezium.time.* by the column's precision), adaptive_time_microseconds (time always MicroTime), " +
            "or connect (Kafka Connect's Date, Time, Timestamp: milliseconds).",
            ConfigValidators.ValidString("adaptive", "adaptive_time_microseconds", "connect"), EventsGroup, "Time precision")
        .Define(BinaryHandlingMode, ConfigType.String, "bytes", Importance.Low,
            "bytea columns: bytes, base64, base64-url-safe or hex.",
            ConfigValidators.ValidString("bytes", "base64", "base64-url-safe", "hex"), EventsGroup, "Binary handling")
        .Define(IntervalHandlingMode, ConfigType.String, "numeric", Importance.Low,
            "interval columns: numeric (io.debezium.time.MicroDuration, microseconds, a month counted as 30.4375 days) or string " +
            "(io.debezium.time.Interval, ISO-8601 \"P1Y2M3DT4H5M6.78S\").",
            ConfigValidators.ValidString("numeric", "string"), EventsGroup, "Interval handling")
        .Define(HstoreHandlingMode, ConfigType.String, "json", Importance.Low,
            "hstore columns: json (io.debezium.data.Json, an object of strings) or map (a MAP of string to optional string).",
            ConfigValidators.ValidString("json", "map"), EventsGroup, "HStore handling")
        .Define(MoneyFractionDigits, ConfigType.Int, 2, Importance.Low,
            "The scale of money columns as Decimal (decimal.handling.mode=precise).", ConfigValidators.Range(0, 28), EventsGroup, "Money fraction digits")
        .Define(SkippedOperations, ConfigType.List, "t", Importance.Low,
            "Operations not emitted: c (insert), u (update), d (delete), t (truncate), or none.",
            ConfigValidators.Lambda(ValidateSkipped, "c, u, d, t or none"), EventsGroup, "Skipped operations")
        .Define(MaxBatchSize, ConfigType.Int, 2048, Importance.Low, "The most records one poll returns.", ConfigValidators.AtLeast(1), EventsGroup, "Max batch size")
        .Define(MaxQueueSize, ConfigType.Int, 8192, Importance.Low,
            "The most records read from the database ahead of the polls (the memory a large backlog or transaction may take); larger than max.batch.size.",
            ConfigValidators.AtLeast(2), EventsGroup, "Max queue size")
        .Define(PollIntervalMs, ConfigType.Long, 500L, Importance.Low, "How long a poll waits for changes before returning none (ms).",
            ConfigValidators.Range(1, 1000), EventsGroup, "Poll interval")
        .Define(HeartbeatIntervalMs, ConfigType.Int, 0, Importance.Medium,
            "How often to send a heartbeat record (ms); 0 (the default) sends none. Heartbeats let the slot advance while only tables outside the " +
            "publication change, so PostgreSQL can drop their WAL.", ConfigValidators.AtLeast(0), HeartbeatGroup, "Heartbeat interval")
        .Define(HeartbeatActionQuery, ConfigType.String, null, Importance.Low,
            "A statement run on the database before each heartbeat, e.g. an INSERT into a captured heartbeat table, so that a database with no " +
            "other traffic still produces changes.", group: HeartbeatGroup, displayName: "Heartbeat action query")
        .Define(TopicHeartbeatPrefix, ConfigType.String, "__debezium-heartbeat", Importance.Low,
            "Heartbeat records go to the topic <topic.heartbeat.prefix>.<topic.prefix>.", ConfigValidators.NonEmptyString(), HeartbeatGroup, "Heartbeat topic prefix")
        .Define(SlotLagWarningBytes, ConfigType.Long, 1L << 30, Importance.Low,
            "ActorConnect's: the task's status says so (and the log, once) when the slot's confirmed_flush_lsn is this many bytes or more behind " +
            "pg_current_wal_lsn(), checked every 5 s, and again when it is back below; 0: not checked.", ConfigValidators.AtLeast(0), ReplicationGroup, "Slot lag warning"));

    /// <summary>Parses and checks a config; throws <see cref="ConfigException"/> naming the key at fault.</summary>
    public static PostgresConnectorConfig Parse(IReadOnlyDictionary<string, string> props)
    {
        var parsed = Definition().Parse(props);
        if (parsed.GetList(TableIncludeList).Count > 0 && parsed.GetList(TableExcludeList).Count > 0)
        {
            throw new ConfigException(TableExcludeList, string.Join(",", parsed.GetList(TableExcludeList)),
                "table.include.list and table.exclude.list are exclusive (as in Debezium); set only one of them");
        }

        if (parsed.GetList(SchemaIncludeList).Count > 0 && parsed.GetList(SchemaExcludeList).Count > 0)
        {
            throw new ConfigException(SchemaExcludeList, string.Join(",", parsed.GetList(SchemaExcludeList)),
                "schema.include.list and schema.exclude.list are exclusive (as in Debezium); set only one of them");
        }

        if (parsed.GetList(ColumnIncludeList).Count > 0 && parsed.GetList(ColumnExcludeList).Count > 0)
        {
            throw new ConfigException(ColumnExcludeList, string.Join(",", parsed.GetList(ColumnExcludeList)),
                "column.include.list and column.exclude.list are exclusive (as in Debezium); set only one of them");
        }

        if (parsed.GetInt(MaxQueueSize) <= parsed.GetInt(MaxBatchSize))
        {
            throw new ConfigException(MaxQueueSize, parsed.GetInt(MaxQueueSize).ToString(System.Globalization.CultureInfo.InvariantCulture),
                $"max.queue.size must be larger than max.batch.size ({parsed.GetInt(MaxBatchSize)}), as in Debezium; raise it or lower max.batch.size");
        }

        var database = parsed.GetString(DbName)!;
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = parsed.GetString(Hostname),
            Port = parsed.GetInt(Port),
            Username = parsed.GetString(User),
            Password = parsed.GetPassword(Password)?.Value,
            Database = database,
            Timeout = 10,
            Pooling = false,
            ApplicationName = "actorconnect-postgres-cdc",
            // The text forms the decoder reads (pgoutput prints values with the walsender's settings): fixed here so a
            // server configured otherwise (DateStyle=German, bytea_output=escape) does not change what is parsed.
            Options = "-c DateStyle=ISO,YMD -c TimeZone=UTC -c IntervalStyle=iso_8601 -c extra_float_digits=3 -c bytea_output=hex -c lc_monetary=C",
        };
        var skipped = parsed.GetList(SkippedOperations).Where(s => s != "none").Select(s => s[0]).ToHashSet();
        return WithSignals(new PostgresConnectorConfig
        {
            ConnectionString = connection.ConnectionString,
            Database = database,
            Prefix = parsed.GetString(TopicPrefix)!,
            Slot = parsed.GetString(SlotName)!,
            Publication = parsed.GetString(PublicationName)!,
            AutocreateMode = parsed.GetString(PublicationAutocreateMode)!.ToLowerInvariant(),
            IncludeTables = Regexes(parsed.GetList(TableIncludeList)),
            ExcludeTables = Regexes(parsed.GetList(TableExcludeList)),
            IncludeSchemas = Regexes(parsed.GetList(SchemaIncludeList)),
            ExcludeSchemas = Regexes(parsed.GetList(SchemaExcludeList)),
            IncludeColumns = Regexes(parsed.GetList(ColumnIncludeList)),
            ExcludeColumns = Regexes(parsed.GetList(ColumnExcludeList)),
            KeyColumns = KeyColumns.Parse(parsed.GetString(MessageKeyColumns)),
            Snapshot = parsed.GetString(SnapshotMode)!.ToLowerInvariant(),
            FetchSize = parsed.GetInt(SnapshotFetchSize),
            Tombstones = parsed.GetBoolean(TombstonesOnDelete),
            Decimals = parsed.GetString(DecimalHandlingMode)!.ToLowerInvariant(),
            TimePrecision = parsed.GetString(TimePrecisionMode)!.ToLowerInvariant(),
            Binary = parsed.GetString(BinaryHandlingMode)!.ToLowerInvariant(),
            Intervals = parsed.GetString(IntervalHandlingMode)!.ToLowerInvariant(),
            Hstore = parsed.GetString(HstoreHandlingMode)!.ToLowerInvariant(),
            MoneyScale = parsed.GetInt(MoneyFractionDigits),
            Skipped = skipped,
            DropSlotOnStop = parsed.GetBoolean(SlotDropOnStop),
            BatchSize = parsed.GetInt(MaxBatchSize),
            QueueSize = parsed.GetInt(MaxQueueSize),
            PollMs = (int)parsed.GetLong(PollIntervalMs),
            HeartbeatMs = parsed.GetInt(HeartbeatIntervalMs),
            HeartbeatQuery = parsed.GetString(HeartbeatActionQuery) is { Length: > 0 } query ? query : null,
            HeartbeatTopic = parsed.GetString(TopicHeartbeatPrefix) + "." + parsed.GetString(TopicPrefix),
            LagWarningBytes = parsed.GetLong(SlotLagWarningBytes),
        }, parsed, props);
    }

    /// <summary>
    /// One warning per key set that this version accepts without acting on it (Debezium keys not supported yet, keys
    /// nobody defines), each naming the key and what happens instead.
    /// </summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyDictionary<string, string> props)
    {
        var defined = Definition();
        var warnings = new List<string>();
        foreach (var key in props.Keys.Order(StringComparer.Ordinal))
        {
            if (NotYetSupported.TryGetValue(key, out var instead))
            {
                warnings.Add($"Debezium key {key} is not supported yet and is ignored: {instead}.");
            }
            else if (defined[key] is null && !RuntimeKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)) && !key.StartsWith(SignalConsumerPrefix, StringComparison.Ordinal))
            {
                warnings.Add($"Unknown key {key} is ignored: this connector does not know it (is it spelled as in Debezium's documentation?).");
            }
        }

        warnings.AddRange(JmxChannelWarnings(props));
        return warnings;
    }

    /// <summary>True when the connector captures <paramref name="schema"/>.<paramref name="table"/>, per the include and exclude lists.</summary>
    public bool Captures(string schema, string table)
    {
        if (IncludeSchemas.Count > 0 && !IncludeSchemas.Any(r => r.IsMatch(schema)))
        {
            return false;
        }

        if (ExcludeSchemas.Any(r => r.IsMatch(schema)))
        {
            return false;
        }

        var name = schema + "." + table;
        if (IncludeTables.Count > 0)
        {
            return IncludeTables.Any(r => r.IsMatch(name));
        }

        return !ExcludeTables.Any(r => r.IsMatch(name));
    }

    /// <summary>True when the column lists let <paramref name="column"/> of <paramref name="schema"/>.<paramref name="table"/> into the records' rows.</summary>
    public bool IncludesColumn(string schema, string table, string column)
    {
        var name = schema + "." + table + "." + column;
        return IncludeColumns.Count > 0 ? IncludeColumns.Any(r => r.IsMatch(name)) : !ExcludeColumns.Any(r => r.IsMatch(name));
    }

    /// <summary>"schema.table" (either part may be double-quoted) as its two names; null when it is not of that form.</summary>
    public static (string Schema, string Table)? ParseTable(string? name)
    {
        var match = Regex.Match(name ?? "", "^(\"[^\"]+\"|[^.\"]+)\\.(\"[^\"]+\"|[^.\"]+)$");
        return match.Success ? (match.Groups[1].Value.Trim('"'), match.Groups[2].Value.Trim('"')) : null;
    }

    private static IReadOnlyList<Regex> Regexes(IReadOnlyList<string> patterns) =>
        patterns.Select(p => new Regex("^(?:" + p + ")$", RegexOptions.CultureInvariant)).ToArray();

    private static string? ValidateRegexes(object? value)
    {
        foreach (var pattern in value as IReadOnlyList<string> ?? [])
        {
            try
            {
                _ = new Regex(pattern);
            }
            catch (ArgumentException e)
            {
                return $"'{pattern}' is not a regular expression ({e.Message})";
            }
        }

        return null;
    }

    private static string? ValidateSkipped(object? value)
    {
        var items = value as IReadOnlyList<string> ?? [];
        var bad = items.FirstOrDefault(i => i is not ("c" or "u" or "d" or "t" or "none"));
        return bad is null ? null : $"'{bad}' is not an operation; use c, u, d, t or none";
    }

    private static string? ValidatePrefix(object? value) =>
        value is string s && (s.Length == 0 || !Regex.IsMatch(s, "^[A-Za-z0-9._-]+$"))
            ? "A topic prefix may hold only letters, digits, '.', '_' and '-', as a Kafka topic name, and may not be empty"
            : null;

    private static string? ValidateSlot(object? value) =>
        value is string s && !Regex.IsMatch(s, "^[a-z0-9_]{1,63}$")
            ? "PostgreSQL slot names hold only lower-case letters, digits and '_', at most 63 of them"
            : null;
}
