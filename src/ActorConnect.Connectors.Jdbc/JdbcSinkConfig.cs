using ActorConnect.Api.Config;
using ActorConnect.Api.Errors;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>The sink connector's keys (kafka-connect-jdbc's names, defaults and meanings) and their parsed form.</summary>
internal sealed record JdbcSinkConfig
{
    public const string InsertMode = "insert.mode";
    public const string PkMode = "pk.mode";
    public const string PkFields = "pk.fields";
    public const string AutoCreate = "auto.create";
    public const string AutoEvolve = "auto.evolve";
    public const string DeleteEnabled = "delete.enabled";
    public const string TableNameFormat = "table.name.format";
    public const string BatchSize = "batch.size";
    public const string FieldsWhitelist = "fields.whitelist";
    public const string FieldsIncludeList = "fields.include.list";
    public const string MaxRetries = "max.retries";
    public const string RetryBackoff = "retry.backoff.ms";

    private const string WritesGroup = "Writes";
    private const string DataMappingGroup = "Data Mapping";
    private const string DdlGroup = "DDL Support";
    private const string RetriesGroup = "Retries";

    public required string ConnectionString { get; init; }
    public required string Insert { get; init; }
    public required string Pk { get; init; }
    public required IReadOnlyList<string> PkFieldNames { get; init; }
    public bool Create { get; init; }
    public bool Evolve { get; init; }
    public bool Deletes { get; init; }
    public required string TableFormat { get; init; }
    public int Batch { get; init; }
    public IReadOnlyList<string> Fields { get; init; } = [];
    public int Retries { get; init; }
    public int BackoffMs { get; init; }

    public static ConfigDef Definition() => JdbcSourceConfig.DefineTimeZone(JdbcSourceConfig.DefineConnection(new ConfigDef(), "Connection"), DataMappingGroup,
            "Name of the time zone timestamps are written in when the column has no time zone (the session time zone).")
        .Define(InsertMode, ConfigType.String, "insert", Importance.High,
            "The insertion mode to use: insert (INSERT only), upsert (INSERT ... ON CONFLICT DO UPDATE on the primary key, so redelivery is harmless), update (UPDATE only).",
            ConfigValidators.ValidString("insert", "upsert", "update"), WritesGroup, "Insert Mode")
        .Define(BatchSize, ConfigType.Int, 3000, Importance.Medium,
            "Specifies how many records to attempt to batch together for insertion into the destination table, when possible.",
            ConfigValidators.AtLeast(1), WritesGroup, "Batch Size")
        .Define(DeleteEnabled, ConfigType.Boolean, false, Importance.Medium,
            "Whether to treat null record values as deletes. Requires pk.mode to be record_key.", group: WritesGroup, displayName: "Enable deletes")
        .Define(TableNameFormat, ConfigType.String, "${topic}", Importance.Medium,
            "A format string for the destination table name, which may contain '${topic}' as a placeholder for the originating topic name.",
            ConfigValidators.NonEmptyString(), DataMappingGroup, "Table Name Format")
        .Define(PkMode, ConfigType.String, "none", Importance.High,
            "The primary key mode: none, kafka (__connect_topic, __connect_partition, __connect_offset), record_key (the key's fields, or the key itself), record_value (fields of the value).",
            ConfigValidators.ValidString("none", "kafka", "record_key", "record_value"), DataMappingGroup, "Primary Key Mode")
        .Define(PkFields, ConfigType.List, "", Importance.Medium,
            "The primary key field names: for kafka the three column names; for record_key the column name of a primitive key or the key fields to use; for record_value the value fields (all when empty).",
            group: DataMappingGroup, displayName: "Primary Key Fields")
        .Define(FieldsWhitelist, ConfigType.List, "", Importance.Medium,
            "List of comma-separated record value field names; if empty, all fields are used.", group: DataMappingGroup, displayName: "Fields Whitelist")
        .Define(FieldsIncludeList, ConfigType.List, "", Importance.Medium,
            "The newer name of fields.whitelist.", group: DataMappingGroup, displayName: "Fields Include List")
        .Define(AutoCreate, ConfigType.Boolean, false, Importance.Medium,
            "Whether to automatically create the destination table based on the record schema (CREATE TABLE).", group: DdlGroup, displayName: "Auto-Create")
        .Define(AutoEvolve, ConfigType.Boolean, false, Importance.Medium,
            "Whether to automatically add columns to the table when the record schema has fields the table lacks (ALTER TABLE ADD COLUMN; never drops or changes a column).",
            group: DdlGroup, displayName: "Auto-Evolve")
        .Define(MaxRetries, ConfigType.Int, 10, Importance.Medium,
            "The maximum number of times to retry on errors before failing the task.", ConfigValidators.AtLeast(0), RetriesGroup, "Maximum Retries")
        .Define(RetryBackoff, ConfigType.Int, 3000, Importance.Medium,
            "The time in milliseconds to wait following an error before a retry attempt is made.", ConfigValidators.AtLeast(0), RetriesGroup, "Retry Backoff (millis)");

    public static JdbcSinkConfig Parse(IReadOnlyDictionary<string, string> props)
    {
        var c = Definition().Parse(props);
        var insert = c.GetString(InsertMode)!.ToLowerInvariant();
        var pk = c.GetString(PkMode)!.ToLowerInvariant();
        var deletes = c.GetBoolean(DeleteEnabled);
        if (deletes && pk != "record_key")
        {
            throw new ConfigException(DeleteEnabled, "true", $"Delete support only works with pk.mode=record_key (it is {pk}): set pk.mode=record_key or delete.enabled=false");
        }

        if (insert is "upsert" or "update" && pk == "none")
        {
            throw new ConfigException(PkMode, pk, $"insert.mode={insert} needs a primary key: set pk.mode to record_key, record_value or kafka");
        }

        var fields = c.GetList(FieldsIncludeList);
        var tz = c.GetString(JdbcSourceConfig.DbTimezone)!;
        return new JdbcSinkConfig
        {
            ConnectionString = PgConnections.ConnectionString(c.GetString(JdbcSourceConfig.ConnectionUrl)!, c.GetString(JdbcSourceConfig.ConnectionUser),
                c.GetString(JdbcSourceConfig.ConnectionPassword), tz, 60),
            Insert = insert,
            Pk = pk,
            PkFieldNames = c.GetList(PkFields).Where(f => f.Length > 0).ToList(),
            Create = c.GetBoolean(AutoCreate),
            Evolve = c.GetBoolean(AutoEvolve),
            Deletes = deletes,
            TableFormat = c.GetString(TableNameFormat)!,
            Batch = c.GetInt(BatchSize),
            Fields = (fields.Count > 0 ? fields : c.GetList(FieldsWhitelist)).Where(f => f.Length > 0).ToList(),
            Retries = c.GetInt(MaxRetries),
            BackoffMs = c.GetInt(RetryBackoff),
        };
    }
}
