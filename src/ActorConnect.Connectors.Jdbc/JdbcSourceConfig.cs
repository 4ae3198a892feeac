using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>The source connector's keys (kafka-connect-jdbc's names, defaults and meanings) and their parsed form.</summary>
internal sealed record JdbcSourceConfig
{
    public const string ConnectionUrl = "connection.url";
    public const string ConnectionUser = "connection.user";
    public const string ConnectionPassword = "connection.password";
    public const string TableWhitelist = "table.whitelist";
    public const string TableBlacklist = "table.blacklist";
    public const string TableIncludeList = "table.include.list";
    public const string TableExcludeList = "table.exclude.list";
    public const string SchemaPattern = "schema.pattern";
    public const string TableTypes = "table.types";
    public const string Mode = "mode";
    public const string IncrementingColumn = "incrementing.column.name";
    public const string TimestampColumn = "timestamp.column.name";
    public const string TimestampInitial = "timestamp.initial";
    public const string ValidateNonNull = "validate.non.null";
    public const string Query = "query";
    public const string QuerySuffix = "query.suffix";
    public const string TopicPrefix = "topic.prefix";
    public const string PollInterval = "poll.interval.ms";
    public const string BatchMaxRows = "batch.max.rows";
    public const string TablePollInterval = "table.poll.interval.ms";
    public const string TimestampDelay = "timestamp.delay.interval.ms";
    public const string DbTimezone = "db.timezone";
    public const string NumericMapping = "numeric.mapping";
    public const string QueryTimeout = "query.timeout.ms";

    /// <summary>The task-only key listing the tables a task reads (a JSON array of <c>db.schema.table</c>).</summary>
    public const string TasksTables = "tables";

    /// <summary>The task-only key set when the connector could not list the tables: the reason its task reports meanwhile.</summary>
    public const string TasksUnavailable = "tables.unavailable";

    public const string ModeBulk = "bulk";
    public const string ModeIncrementing = "incrementing";
    public const string ModeTimestamp = "timestamp";
    public const string ModeTimestampIncrementing = "timestamp+incrementing";

    /// <summary><c>timestamp.initial</c> = -1 means "now" (kafka-connect-jdbc's TIMESTAMP_INITIAL_CURRENT).</summary>
    public const long TimestampInitialCurrent = -1;

    private const string DatabaseGroup = "Database";
    private const string ModeGroup = "Mode";
    private const string ConnectorGroup = "Connector";

    public required string ConnectionString { get; init; }
    public required string ModeName { get; init; }
    public required string IncrementingColumnName { get; init; }
    public required IReadOnlyList<string> TimestampColumns { get; init; }
    public long? TimestampInitialMs { get; init; }
    public bool ValidateNonNullColumns { get; init; }
    public string QueryText { get; init; } = string.Empty;
    public string Suffix { get; init; } = string.Empty;
    public required string Prefix { get; init; }
    public int PollIntervalMs { get; init; }
    public int MaxRows { get; init; }
    public long TablePollIntervalMs { get; init; }
    public long TimestampDelayMs { get; init; }
    public required TimeZoneInfo TimeZone { get; init; }
    public required string Numeric { get; init; }
    public int QueryTimeoutMs { get; init; }
    public IReadOnlyList<string> Whitelist { get; init; } = [];
    public IReadOnlyList<string> Blacklist { get; init; } = [];
    public IReadOnlyList<string> IncludeList { get; init; } = [];
    public IReadOnlyList<string> ExcludeList { get; init; } = [];
    public string? SchemaPatternValue { get; init; }
    public IReadOnlyList<string> Types { get; init; } = ["TABLE"];

    public bool IsQueryMode => QueryText.Length > 0;
    public bool UsesIncrementing => ModeName is ModeIncrementing or ModeTimestampIncrementing;
    public bool UsesTimestamp => ModeName is ModeTimestamp or ModeTimestampIncrementing;

    /// <summary>The connection keys, the same for the source and the sink.</summary>
    public static ConfigDef DefineConnection(ConfigDef def, string group) => def
        .DefineRequired(ConnectionUrl, ConfigType.String, Importance.High,
            "JDBC connection URL, e.g. jdbc:postgresql://localhost:5432/mydb?user=me&password=secret, or an Npgsql connection string.",
            ConfigValidators.NonEmptyString(), group, "JDBC URL")
        .Define(ConnectionUser, ConfigType.String, null, Importance.High, "JDBC connection user.", group: group, displayName: "JDBC User")
        .Define(ConnectionPassword, ConfigType.Password, null, Importance.High, "JDBC connection password.", group: group, displayName: "JDBC Password");

    /// <summary><c>db.timezone</c>, the same for the source and the sink.</summary>
    public static ConfigDef DefineTimeZone(ConfigDef def, string group, string documentation) => def
        .Define(DbTimezone, ConfigType.String, "UTC", Importance.Medium, documentation,
            ConfigValidators.Lambda(ValidateTimeZone, "an IANA time zone id"), group, "DB time zone");

    public static ConfigDef Definition() => DefineTimeZone(DefineConnection(new ConfigDef(), DatabaseGroup), ConnectorGroup,
            "Name of the time zone used to read timestamps without time zone (the session time zone).")
        .Define(TableWhitelist, ConfigType.List, "", Importance.Medium,
            "List of tables to include in copying (table, schema.table or db.schema.table). Use either table.whitelist or table.blacklist.",
            group: DatabaseGroup, displayName: "Table Whitelist")
        .Define(TableBlacklist, ConfigType.List, "", Importance.Medium,
            "List of tables to exclude from copying. Use either table.whitelist or table.blacklist.", group: DatabaseGroup, displayName: "Table Blacklist")
        .Define(TableIncludeList, ConfigType.List, "", Importance.Medium,
            "List of regular expressions matching the fully-qualified names (db.schema.table) of the tables to copy; also matched against schema.table and table.",
            group: DatabaseGroup, displayName: "Table Include List")
        .Define(TableExcludeList, ConfigType.List, "", Importance.Medium,
            "List of regular expressions matching the fully-qualified names of the tables not to copy.", group: DatabaseGroup, displayName: "Table Exclude List")
        .Define(SchemaPattern, ConfigType.String, null, Importance.Medium,
            "Schema pattern (SQL LIKE) to fetch table metadata from the database; null means every schema but the system ones.",
            group: DatabaseGroup, displayName: "Schema pattern")
        .Define(TableTypes, ConfigType.List, "TABLE", Importance.Low,
            "The types of tables to copy: TABLE, VIEW, or both.", ConfigValidators.Lambda(ValidateTableTypes, "TABLE, VIEW"), DatabaseGroup, "Table Types")
        .Define(Mode, ConfigType.String, "", Importance.High,
            "The mode for updating a table each time it is polled: bulk (the whole table each poll), incrementing (a strictly " +
            "increasing column, new rows only), timestamp (a timestamp column, new and updated rows), timestamp+incrementing (both; the most robust).",
            ConfigValidators.ValidString(ModeBulk, ModeTimestamp, ModeIncrementing, ModeTimestampIncrementing), ModeGroup, "Table Loading Mode")
        .Define(IncrementingColumn, ConfigType.String, "", Importance.Medium,
            "The name of the strictly incrementing column used to detect new rows. Empty: the table's identity or serial column.",
            group: ModeGroup, displayName: "Incrementing Column Name")
        .Define(TimestampColumn, ConfigType.List, "", Importance.Medium,
            "Comma separated list of one or more timestamp columns used to detect new or modified rows; the first non-null one (COALESCE) of each row counts.",
            group: ModeGroup, displayName: "Timestamp Column Name")
        .Define(TimestampInitial, ConfigType.Long, null, Importance.Low,
            "The epoch timestamp (ms) used for the initial queries of timestamp modes; -1 means the current time. Unset: the epoch.",
            group: ModeGroup, displayName: "Unix time value of initial timestamp")
        .Define(ValidateNonNull, ConfigType.Boolean, true, Importance.Low,
            "Check on start that the incrementing and timestamp columns are NOT NULL.", group: ModeGroup, displayName: "Validate Non Null")
        .Define(Query, ConfigType.String, "", Importance.Medium,
            "If given, copy the result of this query instead of whole tables; the incremental modes filter it (it is used as a sub-query). Topic: topic.prefix as is.",
            group: ModeGroup, displayName: "Query")
        .Define(QuerySuffix, ConfigType.String, "", Importance.Low,
            "Suffix to append at the end of the generated query (e.g. a locking clause).", group: ModeGroup, displayName: "Query suffix")
        .DefineRequired(TopicPrefix, ConfigType.String, Importance.High,
            "Prefix prepended to table names to make the topic names; in query mode the whole topic name.", group: ConnectorGroup, displayName: "Topic Prefix")
        .Define(PollInterval, ConfigType.Int, 5000, Importance.High, "Frequency in ms to poll for new data in each table.",
            ConfigValidators.AtLeast(1), ConnectorGroup, "Poll Interval (ms)")
        .Define(BatchMaxRows, ConfigType.Int, 100, Importance.Low, "Maximum number of rows to include in a single batch when polling for new data.",
            ConfigValidators.AtLeast(1), ConnectorGroup, "Max Rows Per Batch")
        .Define(TablePollInterval, ConfigType.Long, 60000L, Importance.Low,
            "Frequency in ms to poll for new or removed tables, which may result in updated task configurations to start polling for data in added tables.",
            ConfigValidators.AtLeast(1), ConnectorGroup, "Metadata Change Monitoring Interval (ms)")
        .Define(TimestampDelay, ConfigType.Long, 0L, Importance.High,
            "How long to wait after a row with a certain timestamp appears before it is included, so transactions with earlier timestamps can complete.",
            ConfigValidators.AtLeast(0), ConnectorGroup, "Delay Interval (ms)")
        .Define(NumericMapping, ConfigType.String, null, Importance.Low,
            "Map NUMERIC values by precision and optionally scale to integral or decimal types: none (Decimal), precision_only, best_fit, best_fit_eager_double.",
            ConfigValidators.ValidString("none", "precision_only", "best_fit", "best_fit_eager_double"), DatabaseGroup, "Map Numeric Values By Precision and Scale")
        .Define(QueryTimeout, ConfigType.Int, 60000, Importance.Low,
            "How long one query (or one fetch of rows) may take before it is abandoned and retried.", ConfigValidators.AtLeast(1), ConnectorGroup, "Query timeout (ms)");

    public static JdbcSourceConfig Parse(IReadOnlyDictionary<string, string> props)
    {
        var c = Definition().Parse(props);
        var mode = c.GetString(Mode)!;
        if (mode.Length == 0)
        {
            throw new ConfigException(Mode, "", $"Missing mode: set mode to one of {ModeBulk}, {ModeIncrementing}, {ModeTimestamp}, {ModeTimestampIncrementing}");
        }

        var whitelist = c.GetList(TableWhitelist);
        var blacklist = c.GetList(TableBlacklist);
        if (whitelist.Count > 0 && blacklist.Count > 0)
        {
            throw new ConfigException($"{TableWhitelist} and {TableBlacklist} are exclusive: set only one of them.");
        }

        var include = c.GetList(TableIncludeList);
        var exclude = c.GetList(TableExcludeList);
        if (include.Count > 0 && exclude.Count > 0)
        {
            throw new ConfigException($"{TableIncludeList} and {TableExcludeList} are exclusive: set only one of them.");
        }

        if ((include.Count > 0 || exclude.Count > 0) && (whitelist.Count > 0 || blacklist.Count > 0))
        {
            throw new ConfigException($"Use either {TableIncludeList}/{TableExcludeList} or the older {TableWhitelist}/{TableBlacklist}, not both.");
        }

        var timestampColumns = c.GetList(TimestampColumn).Where(s => s.Length > 0).ToList();
        if (mode is ModeTimestamp or ModeTimestampIncrementing && timestampColumns.Count == 0)
        {
            throw new ConfigException(TimestampColumn, "", $"mode={mode} needs the timestamp column(s): set {TimestampColumn}");
        }

        var tz = c.GetString(DbTimezone)!;
        var queryTimeout = c.GetInt(QueryTimeout);
        return new JdbcSourceConfig
        {
            ConnectionString = PgConnections.ConnectionString(c.GetString(ConnectionUrl)!, c.GetString(ConnectionUser), c.GetString(ConnectionPassword), tz,
                Math.Max(1, (queryTimeout + 999) / 1000)),
            ModeName = mode.ToLowerInvariant(),
            IncrementingColumnName = c.GetString(IncrementingColumn) ?? string.Empty,
            TimestampColumns = timestampColumns,
            TimestampInitialMs = c.Get(TimestampInitial) is long l ? l : null,
            ValidateNonNullColumns = c.GetBoolean(ValidateNonNull),
            QueryText = c.GetString(Query)?.Trim() ?? string.Empty,
            Suffix = c.GetString(QuerySuffix)?.Trim() ?? string.Empty,
            Prefix = c.GetString(TopicPrefix)!,
            PollIntervalMs = c.GetInt(PollInterval),
            MaxRows = c.GetInt(BatchMaxRows),
            TablePollIntervalMs = c.GetLong(TablePollInterval),
            TimestampDelayMs = c.GetLong(TimestampDelay),
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(tz),
            Numeric = (c.GetString(NumericMapping) ?? "none").ToLowerInvariant(),
            QueryTimeoutMs = queryTimeout,
            Whitelist = whitelist,
            Blacklist = blacklist,
            IncludeList = include,
            ExcludeList = exclude,
            SchemaPatternValue = c.GetString(SchemaPattern),
            Types = c.GetList(TableTypes).Select(t => t.ToUpperInvariant()).ToList(),
        };
    }

    private static string? ValidateTimeZone(object? value)
    {
        if (value is not string s)
        {
            return null;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(s);
            return null;
        }
        catch (TimeZoneNotFoundException)
        {
            return "Invalid time zone identifier";
        }
    }

    private static string? ValidateTableTypes(object? value) =>
        value is IEnumerable<string> types && types.Any(t => !t.Equals("TABLE", StringComparison.OrdinalIgnoreCase) && !t.Equals("VIEW", StringComparison.OrdinalIgnoreCase))
            ? "Table types must be TABLE and/or VIEW"
            : null;
}
