using ActorConnect.Api.Data;

namespace ActorConnect.Connectors.Postgres;

/// <summary>One column of a captured table: its name, its type, and whether it belongs to the primary key.</summary>
internal sealed record TableColumn(string Name, ColumnType Type, bool IsKey);

/// <summary>
/// A captured table's record shapes, named as Debezium names them: key <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;.Key</c>
/// (the primary key; none without one), row <c>.Value</c> and envelope <c>.Envelope</c>, on topic
/// <c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c>.
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

    public TableSchema(string prefix, string schemaName, string tableName, IReadOnlyList<TableColumn> columns)
    {
        SchemaName = schemaName;
        TableName = tableName;
        Columns = columns;
        Unmapped = columns.Where(c => c.Type.Unmapped is not null).ToArray();
        Topic = $"{prefix}.{schemaName}.{tableName}";
        var value = SchemaBuilder.Struct().Name(Topic + ".Value").Optional();
        foreach (var column in columns)
        {
            value.Field(column.Name, column.Type.Schema);
        }

        Value = value.Build();
        if (columns.Any(c => c.IsKey))
        {
            var key = SchemaBuilder.Struct().Name(Topic + ".Key");
            foreach (var column in columns.Where(c => c.IsKey))
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
    }

    public string SchemaName { get; }
    public string TableName { get; }
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The columns whose type has no mapping: they carry their text form (see <see cref="TypeWarnings"/>).</summary>
    public IReadOnlyList<TableColumn> Unmapped { get; }
    public string Topic { get; }
    public Schema Value { get; }

    /// <summary>The key schema; null for a table without a primary key (its records have no key, as in Debezium).</summary>
    public Schema? Key { get; }

    public Schema Envelope { get; }

    /// <summary>The key of a row (its primary key columns), or null without a primary key.</summary>
    public Struct? KeyOf(Struct row)
    {
        if (Key is null)
        {
            return null;
        }

        var key = new Struct(Key);
        foreach (var field in Key.Fields)
        {
            key.Put(field, row.Get(field.Name));
        }

        return key;
    }
}
