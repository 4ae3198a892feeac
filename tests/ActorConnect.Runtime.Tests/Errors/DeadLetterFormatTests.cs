using System.Text;
using System.Text.Json;
using ActorConnect.Api.Data;
using ActorConnect.Api.Errors;
using ActorConnect.Api.Source;
using ActorConnect.Api.Storage;
using ActorConnect.Runtime.ErrorHandling;
using ActorConnect.Runtime.Model;

namespace ActorConnect.Runtime.Tests.Errors;

/// <summary>The bytes a dead letter is made of: the envelope for brokers without headers, and a failed source record's bytes.</summary>
public sealed class DeadLetterFormatTests
{
    [Fact]
    public void The_envelope_holds_the_record_in_base64_and_the_context_under_the_header_names()
    {
        var record = new RawRecord("orders", 2, 42, [1, 2], Encoding.UTF8.GetBytes("{bad"), [new("h", [9]), new("n", null)], DateTimeOffset.FromUnixTimeMilliseconds(1700000000000));
        var context = DeadLetterQueueReporter.ContextHeaders(new ConnectorTaskId("c", 3),
            new ProcessingContext(ErrorStage.ValueConverter, typeof(string), new DataException("boom"), 1) { Raw = record });

        using var json = JsonDocument.Parse(DeadLetterEnvelope.Write(record, context));
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("actorconnect.dlq.envelope").GetInt32());
        Assert.Equal(new byte[] { 1, 2 }, root.GetProperty("key").GetBytesFromBase64());
        Assert.Equal("{bad", Encoding.UTF8.GetString(root.GetProperty("value").GetBytesFromBase64()));
        Assert.Equal(1700000000000, root.GetProperty("timestamp").GetInt64());
        var headers = root.GetProperty("headers").EnumerateArray().ToList();
        Assert.Equal(["h", "n"], headers.Select(h => h.GetProperty("key").GetString()));
        Assert.Equal(new byte[] { 9 }, headers[0].GetProperty("value").GetBytesFromBase64());
        Assert.Equal(JsonValueKind.Null, headers[1].GetProperty("value").ValueKind);
        var ctx = root.GetProperty("context").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["__connect.errors.topic"] = "orders",
                ["__connect.errors.partition"] = "2",
                ["__connect.errors.offset"] = "42",
                ["__connect.errors.connector.name"] = "c",
                ["__connect.errors.task.id"] = "3",
                ["__connect.errors.stage"] = "VALUE_CONVERTER",
                ["__connect.errors.class.name"] = "System.String",
                ["__connect.errors.exception.class.name"] = typeof(DataException).FullName,
                ["__connect.errors.exception.message"] = "boom",
                ["__connect.errors.exception.stacktrace"] = new DataException("boom").ToString(),
            },
            ctx);
    }

    [Fact]
    public void A_failed_source_record_is_written_with_its_converters_else_as_schemaless_JSON_else_as_text()
    {
        var bytes = new RecordBytes(new ThrowingConverter(), new ThrowingConverter());
        var map = new Dictionary<string, object?> { ["id"] = 7L, ["name"] = "x" };
        var record = new SourceRecord(new Dictionary<string, object?> { ["f"] = "a" }, new Dictionary<string, object?> { ["pos"] = 1L }, "t", 1,
            null, "key", null, map);

        var raw = bytes.Serialize(record);
        Assert.Equal(("t", 1, -1L), (raw.Topic, raw.Partition, raw.Offset));
        Assert.Equal("\"key\"", Encoding.UTF8.GetString(raw.Key!));
        Assert.Equal("{\"id\":7,\"name\":\"x\"}", Encoding.UTF8.GetString(raw.Value!));

        var odd = bytes.Serialize(record with { Value = new Uri("http://example.com/") });
        Assert.Equal("http://example.com/", Encoding.UTF8.GetString(odd.Value!));

        var good = new RecordBytes(new Converters.StringConverter(), new Converters.StringConverter()).Serialize(record with { Value = "plain" });
        Assert.Equal("plain", Encoding.UTF8.GetString(good.Value!));
    }

    private sealed class ThrowingConverter : IConverter
    {
        public void Configure(IReadOnlyDictionary<string, string> configs, bool isKey)
        {
        }

        public byte[]? FromConnectData(string topic, ConnectHeaders headers, Schema? schema, object? value) => throw new DataException("cannot");

        public SchemaAndValue ToConnectData(string topic, ConnectHeaders headers, byte[]? value) => throw new DataException("cannot");
    }
}
