using ActorConnect.TestSupport;

namespace ActorConnect.Host.Tests;

/// <summary>
/// <c>actorconnect test</c>, run as a user runs it, with no broker: a connector's converters, transforms and
/// predicates on the records of a cases file, PASS or FAIL per case with a diff, and the exit code a CI pipeline gates on.
/// </summary>
public sealed class PipelineTestCommandTests
{
    private static string Sample(string file) => Path.Combine(RepoPaths.RepoRoot, "samples", "pipeline-test", file);

    [Fact]
    public async Task The_shipped_sample_passes_every_case_and_exits_0()
    {
        using var dir = RepoPaths.CreateTempDirectory("pipeline-sample");
        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "test", Sample("connector.properties"), Sample("cases.yaml"));

        Assert.True(exitCode == 0, output);
        Assert.Contains("PASS  an order's card number is masked and its source added", output, StringComparison.Ordinal);
        Assert.Contains("PASS  a test order is dropped", output, StringComparison.Ordinal);
        Assert.Contains("3 case(s) passed (sink connector connector.properties).", output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cases_file_with_wrong_expectations_prints_a_diff_per_failed_case_and_exits_1()
    {
        using var dir = RepoPaths.CreateTempDirectory("pipeline-fail");
        var cases = dir.Combine("cases.yaml");
        await File.WriteAllTextAsync(cases, """
            cases:
              - name: the mask is wrong
                input: {key: order-1, value: {id: 1, card: "4111", amount: 2}, headers: {trace: t1}}
                expect:
                  key: order-1
                  value: {id: 1, card: "4111", amount: 2, source: web}
                  headers: {trace: t2}
              - name: a test order is expected but dropped
                input: {value: {id: 2}, headers: {test: "yes"}}
                expect: {value: {id: 2, source: web}}
              - name: the masked order passes
                input: {value: {id: 3, card: "4111"}}
                expect: {value: {id: 3, card: "****", source: web}}
            """);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "test", Sample("connector.properties"), cases);

        Assert.True(exitCode == 1, output);
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.Contains("FAIL  the mask is wrong", lines);
        // Field by field: the key matches and is context, the masked field and the header differ.
        Assert.Contains("        key: order-1", lines);
        Assert.Contains("      -     \"card\": \"4111\",", lines);
        Assert.Contains("      +     \"card\": \"****\",", lines);
        Assert.Contains("      -   trace: t2", lines);
        Assert.Contains("      +   trace: t1", lines);
        Assert.Contains("FAIL  a test order is expected but dropped", lines);
        Assert.Contains("      + dropped", lines);
        Assert.Contains("PASS  the masked order passes", lines);
        Assert.Contains("2 of 3 case(s) failed (sink connector connector.properties).", lines);
    }

    [Fact]
    public async Task Control_characters_in_a_case_name_and_in_a_record_are_printed_escaped_never_raw()
    {
        using var dir = RepoPaths.CreateTempDirectory("pipeline-control");
        var cases = dir.Combine("cases.yaml");
        // YAML's "\e" is ESC: a record or a name holding it would steer the terminal if printed raw.
        await File.WriteAllTextAsync(cases, """
            cases:
              - name: "red\e[31m"
                input: {key: "k\ey", value: {id: 4}}
                expect: {key: other}
            """);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "test", Sample("connector.properties"), cases);

        Assert.True(exitCode == 1, output);
        Assert.DoesNotContain('\u001b', output);
        Assert.Contains("FAIL  red\\u001b[31m", output, StringComparison.Ordinal);
        // The key is a plain string (StringConverter): shown as its text, escaped.
        Assert.Contains("+ key: k\\u001by", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_connectors_record_comes_out_as_its_converters_write_it_and_a_tolerated_error_is_a_skip()
    {
        using var dir = RepoPaths.CreateTempDirectory("pipeline-source");
        var connector = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", "lines"), ("connector.class", "FileStreamSource"), ("file", "in.txt"),
            ("topic", "lines"), ("key.converter", "org.apache.kafka.connect.storage.StringConverter"), ("value.converter", "org.apache.kafka.connect.json.JsonConverter"),
            ("transforms", "hoist,route,cast"), ("transforms.hoist.type", "org.apache.kafka.connect.transforms.HoistField$Value"), ("transforms.hoist.field", "line"),
            ("transforms.route.type", "org.apache.kafka.connect.transforms.TimestampRouter"), ("transforms.route.topic.format", "${topic}-${timestamp}"),
            ("transforms.route.timestamp.format", "yyyyMMdd"),
            ("transforms.cast.type", "org.apache.kafka.connect.transforms.Cast$Value"), ("transforms.cast.spec", "line:int32"),
            ("transforms.cast.predicate", "numeric"), ("predicates", "numeric"),
            ("predicates.numeric.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey"), ("predicates.numeric.name", "numeric"),
            ("errors.tolerance", "all"));
        var cases = dir.Combine("cases.yaml");
        await File.WriteAllTextAsync(cases, """
            cases:
              - name: a line is a struct in JSON with its schema, on the topic of its day
                input: {key: k1, value: hello, timestamp: "2026-12-07T10:00:00Z"}
                expect:
                  topic: lines-20261207
                  key: k1
                  value: '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"line"}],"optional":false},"payload":{"line":"hello"}}'
              - name: a line that is no number fails the cast and is skipped
                input: {value: hello, timestamp: 1796637600000, headers: {numeric: "1"}}
                expect: {error: "was out of range"}
            """);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "test", connector, cases);

        Assert.True(exitCode == 0, output);
        Assert.Contains("2 case(s) passed (source connector source.properties).", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("transforms.mask.type=MaskFeld$Value", "cases: [{name: x, input: {value: a}, expect: {value: a}}]", "transforms.mask.type: Class MaskFeld$Value could not be found. Fix the connector file")]
    [InlineData("", "cases:\n  - name: x\n    inptu: {value: a}\n", "cases.yaml, line 3: a case has no field 'inptu'; its fields are name, input, expect.")]
    [InlineData("key.converter=", "cases: [{name: x, input: {value: a}, expect: {value: a}}]", "pass the worker file whose converters the connector uses: --worker worker.properties")]
    public async Task A_file_that_cannot_be_used_is_named_with_the_fix_and_exits_2(string connectorLine, string casesYaml, string message)
    {
        using var dir = RepoPaths.CreateTempDirectory("pipeline-usage");
        var lines = new List<string> { "name=sink", "connector.class=FileStreamSink", "topics=orders", "key.converter=StringConverter", "value.converter=StringConverter", "transforms=mask",
            "transforms.mask.type=MaskField$Value", "transforms.mask.fields=card" };
        if (connectorLine.Length > 0)
        {
            var key = connectorLine[..connectorLine.IndexOf('=')];
            lines.RemoveAll(l => l.StartsWith(key + "=", StringComparison.Ordinal));
            if (!connectorLine.EndsWith('='))
            {
                lines.Add(connectorLine);
            }
        }

        var connector = dir.Combine("sink.properties");
        await File.WriteAllLinesAsync(connector, lines);
        var cases = dir.Combine("cases.yaml");
        await File.WriteAllTextAsync(cases, casesYaml);

        var (exitCode, output) = await HostProcess.RunAsync(dir.Path, "test", connector, cases);

        Assert.True(exitCode == 2, output);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
