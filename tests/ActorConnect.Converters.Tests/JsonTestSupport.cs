using System.Text;
using System.Text.Json.Nodes;
using ActorConnect.Api.Data;
using ActorConnect.Converters;

namespace ActorConnect.Converters.Tests;

internal static class JsonTestSupport
{
    public const string Topic = "orders";

    public static JsonConverter Converter(params (string Key, string Value)[] settings)
    {
        var converter = new JsonConverter();
        converter.Configure(settings.ToDictionary(s => s.Key, s => s.Value), isKey: false);
        return converter;
    }

    public static string Write(this JsonConverter converter, Schema? schema, object? value) =>
        Encoding.UTF8.GetString(converter.FromConnectData(Topic, ConnectHeaders.Empty, schema, value)!);

    public static SchemaAndValue Read(this JsonConverter converter, string json) =>
        converter.ToConnectData(Topic, ConnectHeaders.Empty, Encoding.UTF8.GetBytes(json));

    public static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"Expected {expected}{Environment.NewLine}but got  {actual}");
}
