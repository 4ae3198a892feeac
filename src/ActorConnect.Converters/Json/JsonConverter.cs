using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ActorConnect.Api.Config;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Storage;

namespace ActorConnect.Converters;

/// <summary>How <see cref="JsonConverter"/> writes Decimal values (<c>decimal.format</c>).</summary>
public enum DecimalFormat
{
    /// <summary>The unscaled value as base64 two's-complement bytes, Kafka Connect's default: <c>"AfQ="</c> for 5.00 at scale 2.</summary>
    Base64,

    /// <summary>A plain JSON number with the schema's scale: <c>5.00</c>.</summary>
    Numeric,
}

/// <summary>
/// Kafka Connect's <c>org.apache.kafka.connect.json.JsonConverter</c>. With <c>schemas.enable=true</c> (the default) every
/// value is written as the envelope <c>{"schema":...,"payload":...}</c> in Kafka Connect's schema JSON, so data written by
/// either runtime reads the same in the other; with <c>schemas.enable=false</c> values are plain JSON, read back as
/// <see cref="Dictionary{TKey,TValue}"/> (string keys), <see cref="List{T}"/>, <see cref="long"/>, <see cref="double"/>,
/// <see cref="bool"/>, <see cref="string"/> and null.
/// </summary>
/// <remarks>
/// Differences from Kafka, on purpose: a null value is always written as null bytes (a tombstone), as
/// <see cref="IConverter.FromConnectData"/> promises, where Kafka writes an envelope with a null payload when a schema
/// is given; NaN and infinities are written as the strings "NaN", "Infinity" and "-Infinity" and read back; JSON whose
/// type does not fit the schema is an error rather than silently read as 0/false/null.
/// An instance is used by one thread at a time (it reuses its buffers).
/// </remarks>
public sealed partial class JsonConverter : IConverter
{
    /// <summary>Whether values carry their schema in an envelope.</summary>
    public const string SchemasEnableConfig = "schemas.enable";

    /// <summary>How many schemas are cached each way.</summary>
    public const string SchemasCacheSizeConfig = "schemas.cache.size";

    /// <summary>BASE64 or NUMERIC, see <see cref="DecimalFormat"/>.</summary>
    public const string DecimalFormatConfig = "decimal.format";

    /// <summary>Whether a null field with a schema default is written and read as the default.</summary>
    public const string ReplaceNullWithDefaultConfig = "replace.null.with.default";

    /// <summary>The error raised when <c>schemas.enable=true</c> meets JSON that is not an envelope (Kafka Connect's wording).</summary>
    public const string EnvelopeRequiredMessage =
        "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields." +
        " If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";

    private const int MaxDepth = 1000;
    private const int MaxRetainedBuffer = 1 << 20;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        MaxDepth = MaxDepth,
    };

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    private static readonly JsonEncodedText SchemaProperty = JsonEncodedText.Encode("schema");
    private static readonly JsonEncodedText PayloadProperty = JsonEncodedText.Encode("payload");

    private readonly Dictionary<Schema, SchemaCodec> _fromConnectCache = new();
    private readonly Dictionary<byte[], SchemaCodec> _toConnectCache = new(ByteContentComparer.Instance);
    private readonly Dictionary<byte[], SchemaCodec>.AlternateLookup<ReadOnlySpan<byte>> _toConnectLookup;
    private ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    private bool _schemasEnabled = true;
    private int _cacheSize = 1000;
    private DecimalFormat _decimalFormat = DecimalFormat.Base64;
    private bool _replaceNullWithDefault = true;

    private Schema? _lastSchema;
    private SchemaCodec? _lastCodec;
    private byte[]? _lastSchemaJson;
    private SchemaCodec? _lastJsonCodec;

    /// <summary>Creates a converter with Kafka's defaults (schemas enabled, BASE64 decimals); <see cref="Configure"/> may change them.</summary>
    public JsonConverter()
    {
        _writer = new Utf8JsonWriter(_buffer, WriterOptions);
        _toConnectLookup = _toConnectCache.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The settings this converter understands, as Kafka's JsonConverterConfig.</summary>
    public static ConfigDef ConfigDef { get; } = new ConfigDef()
        .Define(SchemasEnableConfig, ConfigType.Boolean, true, Importance.High,
            "Include schemas within each of the serialized values and keys.", group: "Schemas", displayName: "Enable Schemas")
        .Define(SchemasCacheSizeConfig, ConfigType.Int, 1000, Importance.High,
            "The maximum number of schemas that can be cached in this converter instance.", ConfigValidators.AtLeast(0), "Schemas", "Schema Cache Size")
        .Define(DecimalFormatConfig, ConfigType.String, "BASE64", Importance.Low,
            "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
            ConfigValidators.ValidString("BASE64", "NUMERIC"), "Serialization", "Decimal Format")
        .Define(ReplaceNullWithDefaultConfig, ConfigType.Boolean, true, Importance.Low,
            "Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.",
            group: "Serialization", displayName: "Replace null with default");

    /// <summary>Whether this instance converts keys.</summary>
    public bool IsKey { get; private set; }

    /// <summary>Whether values are wrapped in the schema envelope.</summary>
    public bool SchemasEnabled => _schemasEnabled;

    /// <summary>How Decimal values are written.</summary>
    public DecimalFormat DecimalFormat => _decimalFormat;

    /// <summary>Whether null fields with a default are written and read as the default.</summary>
    public bool ReplaceNullWithDefault => _replaceNullWithDefault;

    /// <inheritdoc />
    public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
    {
        var parsed = ConverterSettings.Parse(ConfigDef, configs);
        _schemasEnabled = parsed.GetBoolean(SchemasEnableConfig);
        _cacheSize = parsed.GetInt(SchemasCacheSizeConfig);
        _decimalFormat = Enum.Parse<DecimalFormat>(parsed.GetString(DecimalFormatConfig)!.Trim(), ignoreCase: true);
        _replaceNullWithDefault = parsed.GetBoolean(ReplaceNullWithDefaultConfig);
        IsKey = isKey;
        _fromConnectCache.Clear();
        _toConnectCache.Clear();
        _lastSchema = null;
        _lastCodec = null;
        _lastSchemaJson = null;
        _lastJsonCodec = null;
    }

    /// <inheritdoc />
    public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value)
    {
        if (value is null)
        {
            return null;
        }

        var codec = schema is null ? null : CodecFor(schema);
        var writer = _writer;
        _buffer.ResetWrittenCount();
        writer.Reset(_buffer);
        try
        {
            if (_schemasEnabled)
            {
                writer.WriteStartObject();
                writer.WritePropertyName(SchemaProperty);
                if (codec is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteRawValue(SchemaJsonOf(codec), skipInputValidation: true);
                }

                writer.WritePropertyName(PayloadProperty);
                WriteValue(writer, codec, value, null);
                writer.WriteEndObject();
            }
            else
            {
                WriteValue(writer, codec, value, null);
            }

            writer.Flush();
            return _buffer.WrittenSpan.ToArray();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new DataException($"Converting Kafka Connect data to byte[] failed due to serialization error (topic \"{topic}\"): {e.Message}", e);
        }
        finally
        {
            if (_buffer.Capacity > MaxRetainedBuffer)
            {
                _buffer = new ArrayBufferWriter<byte>(512);
                writer.Reset(_buffer);
            }
        }
    }

    /// <inheritdoc />
    public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value)
    {
        if (value is null)
        {
            return SchemaAndValue.Null;
        }

        var offset = value.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        try
        {
            return Read(value.AsSpan(offset));
        }
        catch (JsonException e)
        {
            throw SerializationError(topic, e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader throws this for text it cannot decode (for example a lone surrogate escape).
            throw SerializationError(topic, e);
        }
        catch (DataException) when (FindSyntaxError(value.AsSpan(offset)) is { } syntax)
        {
            // The converter met a type error before the reader reached a syntax error further on: report the real cause.
            throw SerializationError(topic, syntax);
        }
    }

    /// <summary>The Kafka Connect JSON of a schema (Kafka's <c>asJsonSchema</c>); null for a null schema.</summary>
    public string? AsJsonSchema(Schema? schema) => schema is null ? null : Encoding.UTF8.GetString(SchemaJsonOf(CodecFor(schema)));

    /// <summary>Parses Kafka Connect schema JSON (Kafka's <c>asConnectSchema</c>); null for the JSON literal null.</summary>
    public Schema? AsConnectSchema(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return doc.RootElement.ValueKind == JsonValueKind.Null ? null : ParseSchema(doc.RootElement);
        }
        catch (JsonException e)
        {
            throw new DataException($"Invalid schema JSON: {e.Message}", e);
        }
    }

    private SchemaCodec CodecFor(Schema schema)
    {
        if (ReferenceEquals(schema, _lastSchema))
        {
            return _lastCodec!;
        }

        if (!_fromConnectCache.TryGetValue(schema, out var codec))
        {
            codec = new SchemaCodec(schema);
            if (_cacheSize > 0)
            {
                if (_fromConnectCache.Count >= _cacheSize)
                {
                    _fromConnectCache.Clear();
                }

                _fromConnectCache[schema] = codec;
            }
        }

        _lastSchema = schema;
        _lastCodec = codec;
        return codec;
    }

    private SchemaCodec CodecForJson(ReadOnlySpan<byte> schemaJson)
    {
        if (_lastSchemaJson is { } last && schemaJson.SequenceEqual(last))
        {
            return _lastJsonCodec!;
        }

        if (!_toConnectLookup.TryGetValue(schemaJson, out var key, out var codec))
        {
            key = schemaJson.ToArray();
            using (var doc = JsonDocument.Parse(key, new JsonDocumentOptions { MaxDepth = MaxDepth }))
            {
                codec = new SchemaCodec(ParseSchema(doc.RootElement));
            }

            if (_cacheSize > 0)
            {
                if (_toConnectCache.Count >= _cacheSize)
                {
                    _toConnectCache.Clear();
                }

                _toConnectCache[key] = codec;
            }
        }

        _lastSchemaJson = key;
        _lastJsonCodec = codec;
        return codec;
    }

    private byte[] SchemaJsonOf(SchemaCodec codec)
    {
        if (codec.SchemaJson is { } json)
        {
            return json;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteSchema(writer, codec, null);
        }

        return codec.SchemaJson = buffer.WrittenSpan.ToArray();
    }

    private static DataException SerializationError(string topic, Exception cause) =>
        new($"Converting byte[] to Kafka Connect data failed due to serialization error: the record from topic \"{topic}\" is not valid JSON: {cause.Message}", cause);

    private static string ForField(string? field) => field is null ? string.Empty : $" for field \"{field}\"";
}
