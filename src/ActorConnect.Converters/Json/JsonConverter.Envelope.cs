using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;

namespace ActorConnect.Converters;

/// <summary>
/// Reading a message: the <c>{"schema": ..., "payload": ...}</c> envelope of schemas.enable, the schema it names (with the
/// same-schema fast path), and the syntax errors of JSON that is not well formed.
/// </summary>
public sealed partial class JsonConverter
{
    private SchemaAndValue Read(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return _schemasEnabled ? throw new DataException(EnvelopeRequiredMessage) : SchemaAndValue.Null;
        }

        if (_schemasEnabled && TryReadSameSchemaEnvelope(json, out var fast))
        {
            return fast;
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        if (!_schemasEnabled)
        {
            var plain = ReadSchemaless(ref reader);
            EnsureEnd(ref reader);
            return plain is null ? SchemaAndValue.Null : new SchemaAndValue(null, plain);
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataException(EnvelopeRequiredMessage);
        }

        SchemaCodec? codec = null;
        object? payload = null;
        var haveSchema = false;
        var havePayload = false;
        var payloadPending = false;
        var payloadReader = default(Utf8JsonReader);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (!haveSchema && reader.ValueTextEquals("schema"u8))
            {
                reader.Read();
                codec = ReadSchemaToken(ref reader, json);
                haveSchema = true;
                if (payloadPending)
                {
                    payload = ReadValue(ref payloadReader, codec, null);
                    payloadPending = false;
                }
            }
            else if (!havePayload && reader.ValueTextEquals("payload"u8))
            {
                reader.Read();
                havePayload = true;
                if (haveSchema)
                {
                    payload = ReadValue(ref reader, codec, null);
                }
                else
                {
                    // The payload came first: remember where it is and read it once the schema is known.
                    payloadReader = reader;
                    payloadPending = true;
                    reader.Skip();
                }
            }
            else
            {
                throw new DataException(EnvelopeRequiredMessage);
            }
        }

        if (!haveSchema || !havePayload)
        {
            throw new DataException(EnvelopeRequiredMessage);
        }

        EnsureEnd(ref reader);
        return codec is null && payload is null ? SchemaAndValue.Null : new SchemaAndValue(codec?.Schema, payload);
    }

    /// <summary>
    /// The common case on the hot path: a compact envelope, as Kafka Connect and this converter write it, whose schema
    /// is byte for byte the one of the previous record. The schema is then neither scanned nor looked up; only the
    /// payload is parsed. Anything else (whitespace, other key order, extra fields) takes the full path.
    /// </summary>
    private bool TryReadSameSchemaEnvelope(ReadOnlySpan<byte> json, out SchemaAndValue result)
    {
        result = SchemaAndValue.Null;
        if (_lastSchemaJson is not { } schemaJson || _lastJsonCodec is not { } codec
            || !json.StartsWith("{\"schema\":"u8) || !json[10..].StartsWith(schemaJson))
        {
            return false;
        }

        var rest = json[(10 + schemaJson.Length)..];
        if (!rest.StartsWith(",\"payload\":"u8))
        {
            return false;
        }

        var payload = rest[11..].TrimEnd(" \t\r\n"u8);
        if (payload.IsEmpty || payload[^1] != (byte)'}')
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload[..^1], ReaderOptions);
            reader.Read();
            var value = ReadValue(ref reader, codec, null);
            EnsureEnd(ref reader);
            result = new SchemaAndValue(codec.Schema, value);
            return true;
        }
        catch (JsonException)
        {
            // Not the compact two-field envelope after all (or not JSON): the full path gives the precise error.
            return false;
        }
    }

    private static void EnsureEnd(ref Utf8JsonReader reader)
    {
        // Throws JsonException when anything but whitespace follows the value.
        while (reader.Read())
        {
        }
    }

    private SchemaCodec? ReadSchemaToken(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new DataException($"Schema must contain 'type' field (the envelope's \"schema\" is {NodeType(reader.TokenType)}, not an object)");
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return CodecForJson(json[start..(int)reader.BytesConsumed]);
    }

    private static JsonException? FindSyntaxError(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            while (reader.Read())
            {
            }

            return null;
        }
        catch (JsonException e)
        {
            return e;
        }
    }

    /// <summary>The JSON node type as Jackson (and so Kafka's messages) names it.</summary>
    private static string NodeType(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "OBJECT",
        JsonTokenType.StartArray => "ARRAY",
        JsonTokenType.String => "STRING",
        JsonTokenType.Number => "NUMBER",
        JsonTokenType.True or JsonTokenType.False => "BOOLEAN",
        JsonTokenType.Null => "NULL",
        _ => token.ToString().ToUpperInvariant(),
    };
}
