using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Host.Tests;

/// <summary>
/// A file sink whose disk fills up mid-stream: its task fails with the cause in its status, commits no offset of a
/// record it could not write, and once space returns and the task is restarted every line reaches the file.
/// </summary>
[Collection("kafka")]
public sealed class DiskFullTests(KafkaFixture kafka, ITestOutputHelper output)
{
    [Theory]
    [InlineData("a 1 MiB tmpfs")]
    [InlineData("/dev/full")]
    public async Task A_sink_on_a_full_disk_fails_with_the_cause_and_after_space_returns_and_a_restart_no_line_is_lost(string disk)
    {
        const int lines = 40_000; // about 2 MB of lines for a 1 MiB disk
        const int first = 10_000; // committed before the disk fills
        using var dir = RepoPaths.CreateTempDirectory("disk-full");
        var topic = KafkaFixture.UniqueName("disk-full");
        await kafka.CreateTopicAsync(topic, 1);
        var input = dir.Combine("input.txt");
        var expected = Enumerable.Range(0, lines).Select(i => $"line-{i:D6}-{new string('f', 40)}").ToArray();
        await File.WriteAllLinesAsync(input, expected.Take(first));
        var sinkName = topic + "-sink";
        var worker = HostProcess.WriteWorker(dir.Path, kafka, flushMs: "200");
        var source = HostProcess.WriteConnector(dir.Path, "source.properties", ("name", topic + "-source"), ("connector.class", "FileStreamSource"), ("file", input), ("topic", topic));

        // Root may mount a small tmpfs and give it space back; /dev/full (also where mounting is not permitted) fails
        // every write with the same ENOSPC, and space "returns" by pointing the sink at a normal file.
        var small = disk == "/dev/full" ? null : await SmallDisk.TryMountAsync(dir.Combine("small"), "1m");
        try
        {
            var sinkFile = small is null ? "/dev/full" : Path.Combine(small.Path, "sink.txt");
            output.WriteLine($"the sink writes to {sinkFile}");
            var sinkConfig = new Dictionary<string, string> { ["name"] = sinkName, ["connector.class"] = "FileStreamSink", ["file"] = sinkFile, ["topics"] = topic };
            var sink = HostProcess.WriteConnector(dir.Path, "sink.properties", sinkConfig.Select(kv => (kv.Key, kv.Value)).ToArray());

            await using var host = HostProcess.Standalone(dir.Path, worker, source, sink);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await HostProcess.RestPortAsync(host)}") };
            if (small is not null)
            {
                await Eventually.AssertAsync(async () => await kafka.CommittedAsync(topic, $"connect-{sinkName}") == first, TimeSpan.FromMinutes(2),
                    "the first lines are written and their offsets committed while there is space");
            }

            await File.AppendAllLinesAsync(input, expected.Skip(first));

            JsonNode task = new JsonObject();
            await Eventually.AssertAsync(async () =>
            {
                task = JsonNode.Parse(await http.GetStringAsync($"/connectors/{sinkName}/status"))!["tasks"]![0]!;
                Assert.Equal("FAILED", task["state"]!.GetValue<string>());
            }, TimeSpan.FromMinutes(2));
            var trace = task["trace"]!.GetValue<string>();
            output.WriteLine(trace);
            Assert.Contains($"Could not write to file {sinkFile}: the disk is full (No space left on device", trace);

            // Offsets are committed only of lines on disk: every line below the committed offset is in the file, and
            // the file holds whole lines only (the failed write was cut off again).
            var committed = await kafka.CommittedAsync(topic, $"connect-{sinkName}");
            output.WriteLine($"at the failure: {committed} offsets committed");
            if (small is not null)
            {
                var written = HostProcess.ReadLinesShared(sinkFile);
                output.WriteLine($"at the failure: {written.Length} lines on the full disk");
                Assert.True(File.ReadAllBytes(sinkFile) is [.., (byte)'\n'], "the full disk's file ends in a torn line");
                Assert.Empty(expected.Take((int)committed).Except(written));
                Assert.Empty(written.Except(expected));
                Assert.InRange(committed, first, written.Length);
                await small.GrowAsync("16m");
            }
            else
            {
                Assert.Equal(0, committed);
                sinkFile = dir.Combine("sink.txt");
                sinkConfig["file"] = sinkFile;
                using var put = await http.PutAsJsonAsync($"/connectors/{sinkName}/config", sinkConfig);
                put.EnsureSuccessStatusCode();
            }

            using (var restart = await http.PostAsync($"/connectors/{sinkName}/restart?includeTasks=true", null))
            {
                restart.EnsureSuccessStatusCode();
            }

            await Eventually.AssertAsync(() => HostProcess.ReadLinesShared(sinkFile).Distinct().Count() >= lines, TimeSpan.FromMinutes(3),
                "every line reaches the sink once space returned and the task was restarted");
            Assert.Equal(0, await host.StopGracefullyAsync(TimeSpan.FromSeconds(60)));

            var all = HostProcess.ReadLinesShared(sinkFile);
            Assert.Empty(expected.Except(all));
            Assert.Empty(all.Except(expected));
            output.WriteLine($"duplicates after the full disk: {all.Length - lines} of {lines} lines");
        }
        finally
        {
            if (small is not null)
            {
                await small.DisposeAsync();
            }
        }
    }
}
