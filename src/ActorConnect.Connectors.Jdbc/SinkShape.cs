using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Sink;

namespace ActorConnect.Connectors.Jdbc;

/// <summary>One destination column of a sink record: its name, schema and how to take its value from a record.</summary>
internal sealed record SinkColumn(string Name, Schema Schema, bool IsKey, Func<SinkRecord, object?> Extract);

/// <summary>
/// The columns records with one key schema and one value schema are written to, by <c>pk.mode</c> (as
/// kafka-connect-jdbc's FieldsMetadata): the primary key columns first, then the value fields (filtered by
/// <c>fields.whitelist</c>/<c>fields.include.list</c>).
/// </summary>
internal sealed record SinkShape(IReadOnlyList<SinkColumn> Keys, IReadOnlyList<SinkColumn> Values)
{
    public const string KafkaTopicColumn = "__connect_topic";
    public const string KafkaPartitionColumn = "__connect_partition";
    public const string KafkaOffsetColumn = "__connect_offset";
    public const string DefaultKeyColumn = "__connect_key";

    public IEnumerable<SinkColumn> All => Keys.Concat(Values);

    public static SinkShape For(JdbcSinkConfig config, Schema? keySchema, Schema? valueSchema, string table)
    {
        var keys = new List<SinkColumn>();
        var keyNames = new HashSet<string>();
        switch (config.Pk)
        {
            case "kafka":
                var names = config.PkFieldNames.Count == 0 ? [KafkaTopicColumn, KafkaPartitionColumn, KafkaOffsetColumn] : config.PkFieldNames;
                if (names.Count != 3)
                {
                    throw new ConnectException($"pk.mode=kafka needs exactly three pk.fields (topic, partition and offset column names), or none for the defaults; it has {names.Count}: {string.Join(", ", names)}");
                }

                keys.Add(new SinkColumn(names[0], Schema.StringSchema, true, r => r.Topic));
                keys.Add(new SinkColumn(names[1], Schema.Int32Schema, true, r => r.KafkaPartition ?? 0));
                keys.Add(new SinkColumn(names[2], Schema.Int64Schema, true, r => r.KafkaOffset));
                break;
            case "record_key":
                if (keySchema is null)
                {
                    throw new ConnectException(
                        $"pk.mode=record_key needs records with a key and a key schema (table {table}): use a key.converter with schemas " +
                        "(JsonConverter with key.converter.schemas.enable=true, or a primitive converter such as LongConverter / StringConverter).");
                }

                if (keySchema.Type == SchemaType.Struct)
                {
                    var fields = config.PkFieldNames.Count == 0 ? keySchema.Fields.Select(f => f.Name).ToList() : config.PkFieldNames;
                    foreach (var name in fields)
                    {
                        var field = keySchema.Field(name) ?? throw new ConnectException($"pk.fields names '{name}', which the record key schema does not have (its fields: {string.Join(", ", keySchema.Fields.Select(f => f.Name))}).");
                        keys.Add(new SinkColumn(name, field.Schema, true, r => (r.Key as Struct)?.Get(field)));
                    }
                }
                else
                {
                    if (config.PkFieldNames.Count > 1)
                    {
                        throw new ConnectException($"The record key is a primitive ({keySchema.Type}), so pk.fields must name exactly one column; it names {string.Join(", ", config.PkFieldNames)}.");
                    }

                    keys.Add(new SinkColumn(config.PkFieldNames.Count == 1 ? config.PkFieldNames[0] : DefaultKeyColumn, keySchema, true, r => r.Key));
                }

                break;
            case "record_value":
                if (valueSchema is null)
                {
                    break;
                }

                foreach (var name in config.PkFieldNames.Count == 0 ? valueSchema.Fields.Select(f => f.Name).ToList() : config.PkFieldNames)
                {
                    var field = valueSchema.Field(name) ?? throw new ConnectException($"pk.fields names '{name}', which the record value schema does not have (its fields: {string.Join(", ", valueSchema.Fields.Select(f => f.Name))}).");
                    keys.Add(new SinkColumn(name, field.Schema, true, r => (r.Value as Struct)?.Get(field)));
                }

                break;
        }

        foreach (var k in keys)
        {
            keyNames.Add(k.Name);
        }

        var values = new List<SinkColumn>();
        if (valueSchema is not null)
        {
            foreach (var field in valueSchema.Fields)
            {
                if (keyNames.Contains(field.Name) || (config.Fields.Count > 0 && !config.Fields.Contains(field.Name)))
                {
                    continue;
                }

                values.Add(new SinkColumn(field.Name, field.Schema, false, r => (r.Value as Struct)?.Get(field)));
            }
        }

        return new SinkShape(keys, values);
    }
}
