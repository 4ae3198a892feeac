using ActorConnect.Runtime.Config;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// JavaProperties reads .properties files exactly as java.util.Properties.load does. The expected values of the
/// syntax test were produced by Java 17's Properties.load on the same input, not derived from our parser.
/// </summary>
public sealed class JavaPropertiesTests
{
    [Fact]
    public void Kafka_Connects_standalone_worker_file_parses_to_what_Java_reads()
    {
        var props = JavaProperties.Parse(KafkaSampleFiles.ConnectStandalone);

        Assert.Equal(new Dictionary<string, string>
        {
            ["bootstrap.servers"] = "localhost:9092",
            ["internal.key.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["internal.key.converter.schemas.enable"] = "false",
            ["internal.value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["internal.value.converter.schemas.enable"] = "false",
            ["key.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["key.converter.schemas.enable"] = "true",
            ["offset.flush.interval.ms"] = "10000",
            ["offset.storage.file.filename"] = "/tmp/connect.offsets",
            ["value.converter"] = "org.apache.kafka.connect.json.JsonConverter",
            ["value.converter.schemas.enable"] = "true",
        }, Sorted(props));
    }

    [Fact]
    public void Kafka_Connects_distributed_worker_file_parses_to_what_Java_reads()
    {
        var props = JavaProperties.Parse(KafkaSampleFiles.ConnectDistributed);

        Assert.Equal(13, props.Count);
        Assert.Equal("connect-cluster", props["group.id"]);
        Assert.Equal("connect-offsets", props["offset.storage.topic"]);
        Assert.Equal("connect-configs", props["config.storage.topic"]); // the last line, without a newline after it
        Assert.DoesNotContain(props.Keys, k => k.StartsWith('#') || k.StartsWith('!'));
    }

    [Fact]
    public void Kafka_Connects_file_connector_files_parse_to_what_Java_reads()
    {
        Assert.Equal(new Dictionary<string, string>
        {
            ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSourceConnector",
            ["file"] = "test.txt",
            ["name"] = "local-file-source",
            ["tasks.max"] = "1",
            ["topic"] = "connect-test",
        }, Sorted(JavaProperties.Parse(KafkaSampleFiles.ConnectFileSource)));
        Assert.Equal(new Dictionary<string, string>
        {
            ["connector.class"] = "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ["file"] = "test.sink.txt",
            ["name"] = "local-file-sink",
            ["tasks.max"] = "1",
            ["topics"] = "connect-test",
        }, Sorted(JavaProperties.Parse(KafkaSampleFiles.ConnectFileSink)));
    }

    [Fact]
    public void Windows_line_endings_change_nothing()
    {
        Assert.Equal(
            Sorted(JavaProperties.Parse(KafkaSampleFiles.ConnectStandalone)),
            Sorted(JavaProperties.Parse(KafkaSampleFiles.ConnectStandalone.Replace("\n", "\r\n"))));
    }

    [Fact]
    public void Every_piece_of_properties_syntax_reads_as_Java_reads_it()
    {
        // Built with explicit escapes so that no editor can strip the trailing whitespace the test depends on.
        const string text =
            "# comment with = sign and a trailing backslash \\\n" +
            "! bang comment\n" +
            "   # indented comment\n" +
            "key1 = value1\n" +
            "key2:value2\n" +
            "key3 value3\n" +
            "key4=value with trailing spaces   \n" +
            "key5 = multi\\\n" +
            "       line \\\n" +
            "  value\n" +
            "tab\\tkey=tab\\tvalue\n" +
            "unicode=caf\\u00e9 \\u2603\n" +
            "escaped\\:colon\\=eq\\ space = v\n" +
            "empty=\n" +
            "emptykey2\n" +
            " leading.spaces.key=x\n" +
            "key6 =  = starts with equals\n" +
            "path=C:\\\\dir\\\\file\n" +
            "continued.comment=a\\\n" +
            "# not a comment\n" +
            "trailing.backslash.pair=ends with two\\\\\n" +
            "next=after\n" +
            "continued.blank=a\\\n" +
            "\n" +
            "after.blank=b\n" +
            "\tform\ffeed.key\t=\tv\t\n" +
            "crlf=one\r\n" +
            "cr.only=two\rlast.line=no newline \\";

        // What `new Properties().load(...)` gives for the same bytes (Java 17).
        var expected = new Dictionary<string, string>
        {
            ["after.blank"] = "b",
            ["continued.blank"] = "a",
            ["continued.comment"] = "a# not a comment",
            ["cr.only"] = "two",
            ["crlf"] = "one",
            ["empty"] = "",
            ["emptykey2"] = "",
            ["escaped:colon=eq space"] = "v",
            ["form"] = "feed.key\t=\tv\t",
            ["key1"] = "value1",
            ["key2"] = "value2",
            ["key3"] = "value3",
            ["key4"] = "value with trailing spaces   ",
            ["key5"] = "multiline value",
            ["key6"] = "= starts with equals",
            ["last.line"] = "no newline ",
            ["leading.spaces.key"] = "x",
            ["next"] = "after",
            ["path"] = @"C:\dir\file",
            ["tab\tkey"] = "tab\tvalue",
            ["trailing.backslash.pair"] = @"ends with two\",
            ["unicode"] = "caf\u00e9 \u2603",
        };

        Assert.Equal(expected, Sorted(JavaProperties.Parse(text)));
    }

    [Fact]
    public void A_later_duplicate_key_wins_as_in_Java()
    {
        var props = JavaProperties.Parse("tasks.max=1\ntasks.max = 3\n");
        Assert.Equal("3", props["tasks.max"]);
    }

    [Fact]
    public void Load_reads_a_file_and_a_missing_file_is_named_with_its_full_path()
    {
        using var dir = RepoPaths.CreateTempDirectory("props");
        var path = dir.Combine("connect-standalone.properties");
        File.WriteAllText(path, KafkaSampleFiles.ConnectStandalone);
        Assert.Equal(Sorted(JavaProperties.Parse(KafkaSampleFiles.ConnectStandalone)), Sorted(JavaProperties.Load(path)));

        var missing = dir.Combine("nope.properties");
        var error = Assert.Throws<FileNotFoundException>(() => JavaProperties.Load(missing));
        Assert.Contains(Path.GetFullPath(missing), error.Message);
    }

    [Theory]
    [InlineData("k=\\u12")]
    [InlineData("k=\\uZZZZ")]
    public void A_malformed_unicode_escape_is_rejected_as_Java_rejects_it(string text)
    {
        var e = Assert.Throws<ActorConnect.Api.Errors.ConfigException>(() => JavaProperties.Parse(text));
        Assert.Contains("Malformed \\uxxxx encoding", e.Message);
    }

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string> props) =>
        new(props.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
}
