using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Storage;
using ActorConnect.TestSupport;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// The standalone state files as an operator may find them: cut short, overwritten, emptied, hand-edited into another
/// shape. Each is refused naming the file, its key, what is wrong and the fix; nothing stored is silently dropped.
/// </summary>
public sealed class StateFileTests : IDisposable
{
    private readonly TempDirectory _dir = RepoPaths.CreateTempDirectory("state-files");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Offsets_written_by_the_store_are_read_back_by_the_next_one()
    {
        var path = _dir.Combine("connect.offsets");
        var partition = new Dictionary<string, object?> { ["filename"] = "/in.txt" };
        new FileOffsetBackingStore(path).Write("src", [new(partition, new Dictionary<string, object?> { ["position"] = 42L })]);

        var reopened = new FileOffsetBackingStore(path);

        Assert.Equal(42L, reopened.Read("src", partition)!["position"]);
    }

    [Fact]
    public void A_truncated_offsets_file_is_refused_with_the_line_and_byte_where_it_ends()
    {
        var path = _dir.Combine("connect.offsets");
        File.WriteAllText(path, "[\n  {\"key\": [\"src\", {\"filename\": \"/in.txt\"}],\n   \"value\": {\"posi");

        var e = Assert.Throws<ConfigException>(() => new FileOffsetBackingStore(path));

        Assert.StartsWith($"The offsets file {path} (offset.storage.file.filename) is corrupt: it is not valid JSON at line 3, byte ", e.Message);
        Assert.EndsWith("Restore it from a backup, or move it away to start with no stored offsets (every source connector then reads its source again from the start).", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Theory]
    [InlineData("", "it is empty (0 bytes)")]
    [InlineData(" \n", "it is empty (2 bytes)")]
    [InlineData("\u0000\u0001garbage", "it is not valid JSON at line 1, byte 1")]
    [InlineData("{\"key\": 1}", "expected a JSON array of entries {\"key\": [\"connector\", {partition}], \"value\": {offset}}, found an object")]
    [InlineData("[{\"key\": [\"src\"], \"value\": {\"position\": 1}}]", "entry 0 of the array ({\"key\":[\"src\"],\"value\":{\"position\":1}}) is not of the shape")]
    [InlineData("[{\"key\": [\"src\", {\"f\": 1}], \"value\": 5}]", "entry 0 of the array")]
    [InlineData("[{\"key\": [\"src\", {\"f\": 1}], \"key\": [\"other\", {}]}]", "it is not valid JSON: Duplicate property 'key'")]
    public void A_corrupt_offsets_file_is_refused_naming_the_file_and_what_is_wrong(string content, string problem)
    {
        var path = _dir.Combine("connect.offsets");
        File.WriteAllText(path, content);

        var e = Assert.Throws<ConfigException>(() => new FileOffsetBackingStore(path));

        Assert.Contains($"The offsets file {path} (offset.storage.file.filename) is corrupt: {problem}", e.Message);
        Assert.Contains("move it away to start with no stored offsets", e.Message);
    }

    [Fact]
    public void An_offsets_file_that_is_not_UTF8_is_refused_as_perhaps_Kafka_Connects_own()
    {
        var path = _dir.Combine("connect.offsets");
        File.WriteAllBytes(path, [0xAC, 0xED, 0x00, 0x05, 0x73, 0x72]); // Java serialisation's magic

        var e = Assert.Throws<ConfigException>(() => new FileOffsetBackingStore(path));

        Assert.Contains("is corrupt: it is not UTF-8 text (invalid byte at position 0); it may be a Kafka Connect (Java-serialised) file", e.Message);
    }

    [Fact]
    public void An_offsets_file_holding_no_offsets_is_read_with_a_warning_that_sources_start_again()
    {
        var path = _dir.Combine("connect.offsets");
        File.WriteAllText(path, "[]");
        var warnings = new List<string>();

        var store = new FileOffsetBackingStore(path, warnings.Add);

        Assert.Empty(store.ReadAll("src"));
        var warning = Assert.Single(warnings);
        Assert.Equal($"The offsets file {path} holds no offsets ([]): every source connector reads its source from the start. " +
                     "If it should hold offsets, stop the worker and restore the file from a backup.", warning);
    }

    [Fact]
    public void A_missing_offsets_file_is_no_offsets_yet_without_a_warning()
    {
        var warnings = new List<string>();

        new FileOffsetBackingStore(_dir.Combine("sub", "connect.offsets"), warnings.Add);

        Assert.Empty(warnings);
        Assert.True(Directory.Exists(_dir.Combine("sub")));
    }

    [Fact]
    public void A_directory_in_place_of_a_state_file_is_refused_saying_so()
    {
        var path = _dir.Combine("connect.offsets");
        Directory.CreateDirectory(path);

        var e = Assert.Throws<ConfigException>(() => new FileOffsetBackingStore(path));

        Assert.Equal($"The offsets file {path} (offset.storage.file.filename) is a directory. Point offset.storage.file.filename at a file (it is created at the first write), or move the directory away.", e.Message);
    }

    [Fact]
    public void Connectors_written_by_the_store_are_read_back_with_their_target_state()
    {
        var path = _dir.Combine("connectors.json");
        new FileConfigBackingStore(path).Put(new StoredConnector("c", new Dictionary<string, string> { ["k"] = "v" }, Model.TargetState.Paused));

        var stored = Assert.Single(new FileConfigBackingStore(path).ReadAll());

        Assert.Equal("v", stored.Config["k"]);
        Assert.Equal(Model.TargetState.Paused, stored.TargetState);
    }

    [Theory]
    [InlineData("", "it is empty (0 bytes)")]
    [InlineData("{\"connectors\": {\"c\": {\"config\"", "it is not valid JSON at line 1, byte 31: Expected a value, but instead reached end of data;")]
    [InlineData("[]", "expected an object {\"connectors\": {\"name\": {\"config\": {...}, \"target_state\": \"STARTED\"}}}, found an array")]
    [InlineData("{}", "expected an object {\"connectors\": {\"name\": {\"config\": {...}, \"target_state\": \"STARTED\"}}}, found an object without a \"connectors\" object")]
    [InlineData("{\"connectors\": {\"c\": []}}", "connector \"c\" is an array, expected {\"config\": {...}, \"target_state\": \"STARTED\"}")]
    [InlineData("{\"connectors\": {\"c\\nd\": {\"config\": {\"tasks.max\": 2}}}}", "connector \"c\\nd\" has a number as the value of \"tasks.max\", expected a string")]
    [InlineData("{\"connectors\": {\"c\": {\"config\": {}, \"target_state\": \"1\"}}}", "connector \"c\" has target_state \"1\", expected one of STARTED, PAUSED, STOPPED")]
    public void A_corrupt_connector_config_file_is_refused_naming_the_file_and_what_is_wrong(string content, string problem)
    {
        var path = _dir.Combine("connectors.json");
        File.WriteAllText(path, content);

        var e = Assert.Throws<ConfigException>(() => new FileConfigBackingStore(path));

        Assert.Contains($"The connector config file {path} (config.storage.file.filename) is corrupt: {problem}", e.Message);
        Assert.Contains("move it away to start with no stored connectors (those created over REST are then forgotten", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
