using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Transforms.Support;

namespace ActorConnect.Transforms;

/// <summary>
/// Debezium's <c>io.debezium.transforms.ExtractNewRecordState</c>: replaces a change event's envelope value with its
/// <c>after</c> row, so a sink such as the JDBC sink can apply it, and decides what deletes and tombstones become
/// (<c>delete.tombstone.handling.mode</c>, or the older <c>drop.tombstones</c> with <c>delete.handling.mode</c>).
/// <c>add.fields</c> / <c>add.headers</c> copy envelope fields (<c>op</c>, <c>source.ts_ms</c>, ...) into the row or
/// the headers; <c>route.by.field</c> takes the topic from a row column. Records that are not envelopes (a value schema
/// not named <c>*.Envelope</c>, schemaless values, heartbeats) pass unchanged; truncate events are dropped.
/// </summary>
/// <remarks>
/// As Debezium's, one class that works on the value (Debezium has no <c>$Key</c>/<c>$Value</c> variants). Without
/// <c>delete.tombstone.handling.mode</c> the older keys apply with their defaults, as in Debezium 2.5 to 3.1 (which
/// the PostgreSQL connector mirrors): deletes and tombstones are both dropped. Debezium 3.2 removed the older keys and
/// defaults to <c>tombstone</c>; set it to get that behaviour.
/// </remarks>
public sealed class ExtractNewRecordState : Transformation
{
    private const string Purpose = "source field insertion";
    private const string DeletedField = "__deleted";
    private const string ModeKey = "delete.tombstone.handling.mode";
    private const string LegacyModeKey = "delete.handling.mode";
    private const string DropTombstonesKey = "drop.tombstones";

    private static readonly string[] Modes = ["drop", "tombstone", "rewrite", "rewrite-with-tombstone", "delete-to-tombstone"];
    private static readonly string[] LegacyModes = ["drop", "rewrite", "none"];

    private static readonly ConfigDef Definition = new ConfigDef()
        .Define(ModeKey, ConfigType.String, null, Importance.Medium,
            "How to handle delete records. Options are: drop - Remove the delete event and tombstone from the stream. "
            + "tombstone - For each delete event, leave only a tombstone in the stream. rewrite - Remove tombstone from the record, and add a `__deleted` field with the value `true`. "
            + "rewrite-with-tombstone - Retain tombstone in record and add a `__deleted` field with the value `true`. "
            + "delete-to-tombstone - Convert delete events to tombstone events and drop tombstone events. "
            + "When not set, drop.tombstones and delete.handling.mode apply.",
            ConfigValidators.ValidString(Modes))
        .Define(DropTombstonesKey, ConfigType.Boolean, true, Importance.Low,
            "Deprecated, use delete.tombstone.handling.mode: whether to drop the tombstone Debezium emits after a delete event.")
        .Define(LegacyModeKey, ConfigType.String, "drop", Importance.Medium,
            "Deprecated, use delete.tombstone.handling.mode: how to handle delete records. none - records are passed, drop - records are removed (the default), rewrite - __deleted field is added to records.",
            ConfigValidators.ValidString(LegacyModes))
        .Define("route.by.field", ConfigType.String, string.Empty, Importance.Low,
            "The column which determines how the events will be routed, the value will replace the topic name.")
        .Define("add.fields.prefix", ConfigType.String, "__", Importance.Low, "Adds this prefix to each field listed.")
        .Define("add.fields", ConfigType.List, string.Empty, Importance.Low,
            "Adds each field listed, prefixed with __ (or __<struct>_ if the struct is specified). Example: 'version,connector,source.ts_ms' would add __version, __connector and __source_ts_ms fields. "
            + "Optionally one can also map new field name like version:VERSION,connector:CONNECTOR,source.ts_ms:EVENT_TIMESTAMP.",
            TransformConfig.Parses((key, list) => FieldReference.ParseAll(key, string.Empty, list), "list of [struct.]field[:name]"))
        .Define("add.headers.prefix", ConfigType.String, "__", Importance.Low, "Adds this prefix listed to each header.")
        .Define("add.headers", ConfigType.List, string.Empty, Importance.Low,
            "Adds each field listed to the header, __ (or __<struct>_ if the struct is specified). Example: 'version,connector,source.ts_ms' would add __version, __connector and __source_ts_ms headers.",
            TransformConfig.Parses((key, list) => FieldReference.ParseAll(key, string.Empty, list), "list of [struct.]field[:name]"))
        .DefineReplaceNullWithDefault();

    private readonly SchemaCache<Schema> _withFields = new(64);
    private ExtractFieldValue _after = null!;
    private ExtractFieldValue _before = null!;
    private InsertFieldValue _deleted = null!;
    private InsertFieldValue _notDeleted = null!;
    private Handling _handling = null!;
    private FieldReference[] _fields = [];
    private FieldReference[] _headers = [];
    private string? _routeByField;

    /// <summary>The names Debezium configs use.</summary>
    public static IReadOnlyList<string> Aliases { get; } = ["io.debezium.transforms.ExtractNewRecordState", nameof(ExtractNewRecordState)];

    /// <summary>What deletes and tombstones become.</summary>
    private enum DeleteAction
    {
        /// <summary>Dropped.</summary>
        Drop,

        /// <summary>The row schema with a null value: what a sink reads as a delete.</summary>
        NullValue,

        /// <summary>A tombstone: no value schema, no value.</summary>
        Tombstone,

        /// <summary>The old row with <c>__deleted</c> "true".</summary>
        Rewrite,
    }

    /// <inheritdoc />
    public override ConfigDef Config() => Definition;

    /// <inheritdoc />
    protected override void Configure(ParsedConfig config)
    {
        _handling = config.GetString(ModeKey) is { } mode
            ? Handling.Of(TransformConfig.Canonical(ModeKey, mode, Modes))
            : Handling.Legacy(config.GetBoolean(DropTombstonesKey), TransformConfig.Canonical(LegacyModeKey, config.GetString(LegacyModeKey)!, LegacyModes));
        _fields = FieldReference.ParseAll("add.fields", config.GetString("add.fields.prefix") ?? string.Empty, config.GetList("add.fields"));
        _headers = FieldReference.ParseAll("add.headers", config.GetString("add.headers.prefix") ?? string.Empty, config.GetList("add.headers"));
        _routeByField = config.GetString("route.by.field") is { Length: > 0 } route ? route : null;
        var withDefault = config.GetBoolean(TransformConfig.ReplaceNullWithDefault) ? "true" : "false";
        _after = Delegate<ExtractFieldValue>(("field", "after"));
        _before = Delegate<ExtractFieldValue>(("field", "before"));
        _deleted = Delegate<InsertFieldValue>(("static.field", DeletedField), ("static.value", "true"), (TransformConfig.ReplaceNullWithDefault, withDefault));
        _notDeleted = Delegate<InsertFieldValue>(("static.field", DeletedField), ("static.value", "false"), (TransformConfig.ReplaceNullWithDefault, withDefault));
    }

    /// <inheritdoc />
    protected override ConnectRecord? Transform(ConnectRecord record)
    {
        var isEnvelope = record.ValueSchema?.Name?.EndsWith(".Envelope", StringComparison.Ordinal) == true && record.Value is Struct;
        if (record.Value is null)
        {
            // A tombstone says nothing but that its key was deleted: an "op" header reads "d".
            var headers = _headers.Where(h => h.Field == "op").Aggregate(record.Headers, (all, h) => all.AddString(h.NewName, "d"));
            return _handling.KeepTombstones ? record with { Headers = headers } : null;
        }

        if (!isEnvelope)
        {
            return record;
        }

        var envelope = (Struct)record.Value;
        record = record with { Headers = _headers.Aggregate(record.Headers, (all, h) => h.AddTo(all, envelope)) };
        var after = _after.Apply(record)!;
        if (after.Value is null && envelope.GetWithoutDefault("before") is null)
        {
            // A truncate (no row before or after): Debezium drops it.
            return null;
        }

        if (after.Value is not null)
        {
            var row = _handling.Rewrite ? _notDeleted.Apply(after)! : after;
            row = Route(row, Requirements.RequireStruct(row.Value, "Read record to set topic routing for CREATE / UPDATE"));
            return AddFields(row, envelope);
        }

        var deleted = _handling.Delete switch
        {
            DeleteAction.Drop => null,
            DeleteAction.NullValue => after,
            DeleteAction.Tombstone => record with { ValueSchema = null, Value = null },
            _ => _deleted.Apply(_before.Apply(record)!),
        };
        if (deleted is null)
        {
            return null;
        }

        deleted = Route(deleted, envelope.GetWithoutDefault("before") as Struct);
        return deleted.Value is null ? deleted : AddFields(deleted, envelope);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _after?.Dispose();
            _before?.Dispose();
            _deleted?.Dispose();
            _notDeleted?.Dispose();
        }
    }

    private static T Delegate<T>(params (string Key, string Value)[] config)
        where T : Transformation, new()
    {
        var transform = new T();
        transform.Configure(config.ToDictionary(c => c.Key, c => c.Value));
        return transform;
    }

    private ConnectRecord Route(ConnectRecord record, Struct? row) =>
        _routeByField is { } field && row?.Schema.Field(field) is not null && row.GetWithoutDefault(field) is string topic && !string.IsNullOrWhiteSpace(topic)
            ? record with { Topic = topic }
            : record;

    private ConnectRecord AddFields(ConnectRecord record, Struct envelope)
    {
        if (_fields.Length == 0)
        {
            return record;
        }

        var row = Requirements.RequireStruct(record.Value, Purpose);
        var schema = _withFields.GetOrAdd(row.Schema, (Self: this, Envelope: envelope.Schema), static (s, state) => state.Self.WithFields(s, state.Envelope));
        var updated = new Struct(schema);
        foreach (var field in row.Schema.Fields)
        {
            updated.Put(field.Name, row.GetWithoutDefault(field.Name));
        }

        foreach (var reference in _fields)
        {
            if (reference.SchemaIn(envelope.Schema) is not null)
            {
                updated.Put(reference.NewName, reference.ValueIn(envelope));
            }
        }

        return record with { ValueSchema = schema, Value = updated };
    }

    private Schema WithFields(Schema row, Schema envelope)
    {
        var builder = SchemaUtil.CopySchemaBasics(row, SchemaBuilder.Struct());
        foreach (var field in row.Fields)
        {
            builder.Field(field.Name, field.Schema);
        }

        foreach (var reference in _fields)
        {
            if (reference.SchemaIn(envelope) is { } schema)
            {
                builder.Field(reference.NewName, schema);
            }
        }

        return builder.Build();
    }

    /// <summary>The delete and tombstone behaviour of a mode, new or legacy.</summary>
    private sealed record Handling(bool KeepTombstones, DeleteAction Delete, bool Rewrite)
    {
        public static Handling Of(string mode) => mode switch
        {
            "drop" => new Handling(false, DeleteAction.Drop, false),
            "tombstone" => new Handling(false, DeleteAction.NullValue, false),
            "rewrite" => new Handling(false, DeleteAction.Rewrite, true),
            "rewrite-with-tombstone" => new Handling(true, DeleteAction.Rewrite, true),
            _ => new Handling(false, DeleteAction.Tombstone, false),
        };

        public static Handling Legacy(bool dropTombstones, string mode) => mode switch
        {
            "drop" => new Handling(!dropTombstones, DeleteAction.Drop, false),
            "none" => new Handling(!dropTombstones, DeleteAction.NullValue, false),
            _ => new Handling(!dropTombstones, DeleteAction.Rewrite, true),
        };
    }

    /// <summary>
    /// One entry of <c>add.fields</c> / <c>add.headers</c>: <c>[struct.]field[:name]</c>. Without a struct, <c>op</c>
    /// and <c>ts_ms</c>/<c>ts_us</c>/<c>ts_ns</c> are the envelope's own, <c>id</c>/<c>total_order</c>/
    /// <c>data_collection_order</c> the transaction block's, anything else the source block's. The new name is the
    /// prefix and the field (<c>__op</c>), or the struct, "_" and the field (<c>__source_ts_ms</c>), or the prefix and the
    /// given name.
    /// </summary>
    private sealed record FieldReference(string? Struct, string Field, string NewName)
    {
        public static FieldReference[] ParseAll(string key, string prefix, IReadOnlyList<string> entries) =>
            [.. entries.Where(e => e.Trim().Length > 0).Select(e => Parse(key, prefix, e.Trim()))];

        /// <summary>The added field's schema (its type, optional), or null when the envelope has no such field.</summary>
        public Schema? SchemaIn(Schema envelope)
        {
            var parent = Struct is null ? envelope : envelope.Field(Struct)?.Schema;
            var field = parent?.Field(Field) ?? envelope.Field(Field);
            return field is null ? null : SchemaUtil.CopySchemaBasics(field.Schema).Optional().Build();
        }

        public object? ValueIn(Struct envelope)
        {
            var parent = Struct is null ? envelope : envelope.Schema.Field(Struct) is null ? null : envelope.GetWithoutDefault(Struct) as Struct;
            if (parent is null)
            {
                // The transaction block is null outside transactions (and while snapshotting).
                return null;
            }

            return parent.Schema.Field(Field) is not null ? parent.GetWithoutDefault(Field) : envelope.GetWithoutDefault(Field);
        }

        public ConnectHeaders AddTo(ConnectHeaders headers, Struct envelope) =>
            SchemaIn(envelope.Schema) is { } schema ? headers.Add(new Header(NewName, schema, ValueIn(envelope))) : headers;

        private static FieldReference Parse(string key, string prefix, string entry)
        {
            var parts = entry.Split(':');
            if (parts.Length > 2)
            {
                throw new ConfigException(key, entry, $"Unexpected field name: {entry}");
            }

            var path = parts[0].Split('.');
            var field = path.Length == 1 ? path[0] : path[1];
            var owner = path.Length == 1 ? OwnerOf(field) : path[0];
            var name = parts.Length == 2 ? parts[1] : path.Length == 1 ? field : owner + "_" + field;
            return new FieldReference(owner, field, prefix + name);
        }

        private static string? OwnerOf(string field) => field switch
        {
            "id" or "total_order" or "data_collection_order" => "transaction",
            "op" or "ts_ms" or "ts_us" or "ts_ns" => null,
            _ => "source",
        };
    }
}
