using ActorConnect.Api.Data;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// One column of a captured table: its name, its type, whether it belongs to the primary key, and whether the
/// column lists let it into the records' rows.
/// </summary>
internal sealed record TableColumn(string Name, ColumnType Type, bool IsPrimaryKey, bool Included = true);

/// <summary>
/// A captured table's record shapes, named as Debezium names them: key <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;.Key</c>
/// (the primary key or the <c>message.key.columns</c>; none without either), row <c>.Value</c> (the columns the column
/// lists include) and envelope <c>.Envelope</c>, on topic <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c>. Rows are read
/// whole (<see cref="Row"/>: every column, as the WAL and the snapshot carry them), keyed from the whole row (an
/// excluded column may be in the key, as in Debezium) and cut down to <see cref="Value"/> for the envelope.
/// </summary>
internal sealed class TableSchema
{
    /// <summary>The connector's name in every source block.</summary>
    public const string ConnectorName = "postgresql";

    /// <summary>The source block's schema, as Debezium 2.7's PostgreSQL connector defines it.</summary>
    public static readonly Schema Source = SchemaBuilder.Struct().Name("io.debezium.connector.postgresql.Source").Version(1)
        .Field("version", Schema.StringSchema)
        .Field("connector", Schema.StringSchema)
        .Field("name", Schema.StringSchema)
        .Field("ts_ms", Schema.Int64Schema)
        .Field("snapshot", SchemaBuilder.String().Name("io.debezium.data.Enum").Version(1)
            .Parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")
            .DefaultValue("false").Optional().Build())
        .Field("db", Schema.StringSchema)
        .Field("sequence", Schema.OptionalStringSchema)
        .Field("ts_us", Schema.OptionalInt64Schema)
        .Field("ts_ns", Schema.OptionalInt64Schema)
        .Field("schema", Schema.StringSchema)
        .Field("table", Schema.StringSchema)
        .Field("txId", Schema.OptionalInt64Schema)
        .Field("lsn", Schema.OptionalInt64Schema)
        .Field("xmin", Schema.OptionalInt64Schema)
        .Build();

    /// <summary>The envelope's transaction block (null: transaction metadata is not provided).</summary>
    public static readonly Schema TransactionBlock = SchemaBuilder.Struct().Name("event.block").Version(1).Optional()
        .Field("id", Schema.StringSchema)
        .Field("total_order", Schema.Int64Schema)
        .Field("data_collection_order", Schema.Int64Schema)
        .Build();

    /// <summary>The shapes of <paramref name="tableName"/>'s records, keyed by <paramref name="keyColumns"/> in their order (none: no key).</summary>
    public TableSchema(string prefix, string schemaName, string tableName, IReadOnlyList<TableColumn> columns, IReadOnlyList<string> keyColumns)
    {
        SchemaName = schemaName;
        TableName = tableName;
        Columns = columns;
        // An excluded column is never emitted, so its type is never worth a warning.
        Unmapped = columns.Where(c => c.Included && c.Type.Unmapped is not null).ToArray();
        KeyColumns = keyColumns.Select(name => columns.Single(c => c.Name == name)).ToList();
        KeyWithinPrimaryKey = KeyColumns.All(c => c.IsPrimaryKey);
        Topic = $"{prefix}.{schemaName}.{tableName}";
        Value = RowSchema(columns.Where(c => c.Included));
        Row = columns.All(c => c.Included) ? Value : RowSchema(columns);
        if (KeyColumns.Count > 0)
        {
            var key = SchemaBuilder.Struct().Name(Topic + ".Key");
            foreach (var column in KeyColumns)
            {
                key.Field(column.Name, column.Type.Schema);
            }

            Key = key.Build();
        }

        Envelope = SchemaBuilder.Struct().Name(Topic + ".Envelope")
            .Field("before", Value)
            .Field("after", Value)
            .Field("source", Source)
            .Field("op", Schema.StringSchema)
            .Field("ts_ms", Schema.OptionalInt64Schema)
            .Field("ts_us", Schema.OptionalInt64Schema)
            .Field("ts_ns", Schema.OptionalInt64Schema)
            .Field("transaction", TransactionBlock)
            .Build();
        EnvelopeFields = new EnvelopeFieldSet(Envelope);
        _keyFromRow = Key is null ? [] : Key.Fields.Select(f => Row.Field(f.Name)!).ToArray();
        _valueFromRow = Value.Fields.Select(f => Row.Field(f.Name)!).ToArray();
    }

    /// <summary>The envelope's fields, looked up once rather than by name per change.</summary>
    internal sealed class EnvelopeFieldSet(Schema envelope)
    {
        public Field Before { get; } = envelope.Field("before")!;
        public Field After { get; } = envelope.Field("after")!;
        public Field Source { get; } = envelope.Field("source")!;
        public Field Op { get; } = envelope.Field("op")!;
        public Field TsMs { get; } = envelope.Field("ts_ms")!;
        public Field TsUs { get; } = envelope.Field("ts_us")!;
        public Field TsNs { get; } = envelope.Field("ts_ns")!;
    }

    /// <summary>For each key field, the row's field it is taken from.</summary>
    private readonly Field[] _keyFromRow;

    /// <summary>For each value field, the row's field it is taken from.</summary>
    private readonly Field[] _valueFromRow;

    public string SchemaName { get; }
    public string TableName { get; }
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The columns whose type has no mapping: they carry their text form (see <see cref="ReaderWarnings"/>).</summary>
    public IReadOnlyList<TableColumn> Unmapped { get; }
    public string Topic { get; }
    public Schema Value { get; }

    /// <summary>Every column's field, the shape rows are read in; <see cref="Value"/> itself when no column is excluded.</summary>
    public Schema Row { get; }

    /// <summary>The key's columns in the key's order (none without a key).</summary>
    public IReadOnlyList<TableColumn> KeyColumns { get; }

    /// <summary>
    /// True when every key column is a primary key column, so the old row an update carries under REPLICA IDENTITY
    /// DEFAULT (the primary key only) holds the old key.
    /// </summary>
    public bool KeyWithinPrimaryKey { get; }

    /// <summary>
    /// The key schema; null for a table with neither a primary key nor <c>message.key.columns</c> (its records have
    /// no key, as in Debezium).
    /// </summary>
    public Schema? Key { get; }

    public Schema Envelope { get; }

    /// <summary>The fields of <see cref="Envelope"/>.</summary>
    internal EnvelopeFieldSet EnvelopeFields { get; }

    /// <summary>
    /// True when <paramref name="other"/> describes the same records: the same topic, row, value, key and envelope
    /// schemas, and the same columns in the key, in the rows and without a mapping.
    /// </summary>
    public bool SameShape(TableSchema other) =>
        Topic == other.Topic && Row.Equals(other.Row) && Value.Equals(other.Value) && Equals(Key, other.Key) && Envelope.Equals(other.Envelope)
        && Columns.Select(c => (c.Name, c.IsPrimaryKey, c.Included, c.Type.Unmapped)).SequenceEqual(other.Columns.Select(c => (c.Name, c.IsPrimaryKey, c.Included, c.Type.Unmapped)))
        && KeyColumns.Select(c => c.Name).SequenceEqual(other.KeyColumns.Select(c => c.Name));

    /// <summary>The key of a whole row (<see cref="Row"/>), or null without a key.</summary>
    public Struct? KeyOf(Struct row)
    {
        if (Key is null)
        {
            return null;
        }

        var key = new Struct(Key);
        // By index: a foreach over the IReadOnlyList boxes its enumerator, once per change.
        var fields = Key.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            key.Put(fields[i], ReferenceEquals(row.Schema, Row) ? row.Get(_keyFromRow[i]) : row.Get(fields[i].Name));
        }

        return key;
    }

    /// <summary>A whole row (<see cref="Row"/>) cut down to the included columns (<see cref="Value"/>).</summary>
    public Struct? ValueOf(Struct? row)
    {
        if (row is null || ReferenceEquals(row.Schema, Value))
        {
            return row;
        }

        var value = new Struct(Value);
        // By index: a foreach over the IReadOnlyList boxes its enumerator, once per change.
        var fields = Value.Fields;
        for (var i = 0; i < fields.Count; i++)
        {
            value.Put(fields[i], ReferenceEquals(row.Schema, Row) ? row.Get(_valueFromRow[i]) : row.Get(fields[i].Name));
        }

        return value;
    }

    private Schema RowSchema(IEnumerable<TableColumn> columns)
    {
        var row = SchemaBuilder.Struct().Name(Topic + ".Value").Optional();
        foreach (var column in columns)
        {
            row.Field(column.Name, column.Type.Schema);
        }

        return row.Build();
    }
}
