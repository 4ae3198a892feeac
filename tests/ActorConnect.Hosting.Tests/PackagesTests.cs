using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ActorConnect.TestSupport;
using Xunit.Abstractions;

namespace ActorConnect.Hosting.Tests;

/// <summary>
/// The NuGet packages an application embeds ActorConnect with: packed once for the class from this tree
/// (<c>ActorConnect.Packages.slnf</c>), read as NuGet reads them, and used by <c>samples/EmbeddedWorker</c>, built from
/// those packages alone (no project reference) and run against the broker.
/// </summary>
[Collection("kafka")]
public sealed class PackagesTests(PackedPackages packed, KafkaFixture kafka, ITestOutputHelper output) : IClassFixture<PackedPackages>
{
    /// <summary>ActorConnect.Hosting, ActorConnect.TestKit and everything they reference: each project is a package of its own.</summary>
    private static readonly string[] PackageIds =
    [
        "ActorConnect.Api", "ActorConnect.Security", "ActorConnect.Kafka", "ActorConnect.Converters", "ActorConnect.Transforms",
        "ActorConnect.Runtime", "ActorConnect.Connectors.File", "ActorConnect.Hosting", "ActorConnect.TestKit",
    ];

    public static TheoryData<string> Packages => new(PackageIds);

    [Theory]
    [MemberData(nameof(Packages))]
    public void The_package_carries_its_readme_the_Apache_license_its_repository_and_its_symbols(string id)
    {
        using var package = ZipFile.OpenRead(packed.PackageFile(id));
        var metadata = PackedPackages.Metadata(package, id);
        Assert.Equal(packed.Version, metadata.Value("version"));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Value("description")), $"{id} has no description");

        var license = metadata.Child("license");
        Assert.Equal(("expression", "Apache-2.0"), ((string?)license.Attribute("type"), license.Value));

        var readme = metadata.Value("readme");
        using (var reader = new StreamReader(Assert.Single(package.Entries, e => e.FullName == readme).Open()))
        {
            Assert.StartsWith($"# {id}\n", reader.ReadToEnd(), StringComparison.Ordinal);
        }

        // The commit the pdbs' Source Link maps to; the URL too when the clone has an origin (a fork names itself).
        var repository = metadata.Child("repository");
        Assert.Equal("git", (string?)repository.Attribute("type"));
        Assert.Matches("^[0-9a-f]{40}$", (string?)repository.Attribute("commit") ?? "");

        using var symbols = ZipFile.OpenRead(Path.ChangeExtension(packed.PackageFile(id), ".snupkg"));
        Assert.Contains(symbols.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
    }

    [Fact]
    public void The_Api_package_a_connector_author_references_brings_no_Akka()
    {
        using var package = ZipFile.OpenRead(packed.PackageFile("ActorConnect.Api"));
        var dependencies = PackedPackages.Dependencies(package, "ActorConnect.Api");
        Assert.DoesNotContain(dependencies, d => d.Id.StartsWith("Akka", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Every_ActorConnect_package_Hosting_and_the_TestKit_need_is_packed_at_the_same_version()
    {
        var seen = new HashSet<string>();
        var next = new Queue<string>(["ActorConnect.Hosting", "ActorConnect.TestKit"]);
        while (next.TryDequeue(out var id))
        {
            if (!seen.Add(id))
            {
                continue;
            }

            using var package = ZipFile.OpenRead(packed.PackageFile(id));
            foreach (var dependency in PackedPackages.Dependencies(package, id).Where(d => d.Id.StartsWith("ActorConnect.", StringComparison.Ordinal)))
            {
                Assert.Equal(packed.Version, dependency.Version);
                next.Enqueue(dependency.Id);
            }
        }

        Assert.Equal(PackageIds.Order(), seen.Order());
    }

    [Fact]
    public async Task The_sample_built_from_the_packages_copies_a_file_through_Kafka_and_its_own_actor_reports_the_connectors_running()
    {
        output.WriteLine($"pack {packed.PackTime.TotalSeconds:F1} s, sample build {packed.SampleBuildTime.TotalSeconds:F1} s");
        using var dir = RepoPaths.CreateTempDirectory("packed-sample");
        var topic = KafkaFixture.UniqueName("packed-sample");
        await kafka.CreateTopicAsync(topic, 1);
        var input = dir.Combine("input.txt");
        var lines = Enumerable.Range(0, 100).Select(i => $"line {i}").ToArray();
        await File.WriteAllLinesAsync(input, lines);
        var sink = dir.Combine("output.txt");
        var worker = Write(dir, "worker.properties", $"""
            bootstrap.servers={kafka.BootstrapServers}
            {kafka.WorkerBrokerProperties}
            key.converter=org.apache.kafka.connect.storage.StringConverter
            value.converter=org.apache.kafka.connect.storage.StringConverter
            offset.storage.file.filename={dir.Combine("connect.offsets")}
            offset.flush.interval.ms=1000
            consumer.session.timeout.ms=10000
            """);
        var sourceFile = Write(dir, "source.properties", $"name={topic}-source\nconnector.class=FileStreamSource\nfile={input}\ntopic={topic}\n");
        var sinkFile = Write(dir, "sink.properties", $"name={topic}-sink\nconnector.class=FileStreamSink\nfile={sink}\ntopics={topic}\n");

        await using var sample = ProcessRunner.Start("dotnet", [packed.SampleDll, worker, sourceFile, sinkFile], workingDirectory: dir.Path, name: "EmbeddedWorker");
        // The file source's lines reach the sink's file through Kafka, in order (one partition).
        await Eventually.AssertAsync(() => Assert.Equal(lines, File.Exists(sink) ? File.ReadAllLines(sink) : []), TimeSpan.FromSeconds(90));
        // The application's own actor asks the embedded worker through the ActorRegistry and prints what it answers.
        await sample.WaitForOutputAsync($"{topic}-source: Running [0 Running]", TimeSpan.FromSeconds(30));
        await sample.WaitForOutputAsync($"{topic}-sink: Running [0 Running]", TimeSpan.FromSeconds(30));
        var exitCode = await sample.StopGracefullyAsync(TimeSpan.FromSeconds(60));
        Assert.True(exitCode == 0, $"the sample exited with {exitCode} on SIGTERM:\n{sample.Output}");
    }

    private static string Write(TempDirectory dir, string name, string text)
    {
        var path = dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }
}

/// <summary>
/// The packages packed once into a temporary folder with a version of their own (so no package of an earlier run,
/// cached by NuGet under the same version, can stand in for them), and samples/EmbeddedWorker built from them.
/// </summary>
public sealed partial class PackedPackages : IAsyncLifetime
{
    private TempDirectory? _dir;

    /// <summary>The packages' version: the repository's, with a prerelease suffix unique to this run.</summary>
    public string Version { get; private set; } = "";

    public string Folder { get; private set; } = "";

    /// <summary>The sample's entry assembly, built against the packages.</summary>
    public string SampleDll { get; private set; } = "";

    public TimeSpan PackTime { get; private set; }

    public TimeSpan SampleBuildTime { get; private set; }

    public string PackageFile(string id) => Path.Combine(Folder, $"{id}.{Version}.nupkg");

    public async Task InitializeAsync()
    {
        _dir = RepoPaths.CreateTempDirectory("packages");
        Folder = _dir.Combine("feed");
        var suffix = $"packtest{Guid.NewGuid():N}"[..20];
        // --no-build: these tests reference ActorConnect.Hosting, so every project packed here is built already.
        PackTime = await DotnetCli.PackAsync(_dir.Path, "ActorConnect.Packages.slnf", Folder, $"-p:VersionSuffix={suffix}");
        Version = PackageVersion().Match(Path.GetFileName(Assert.Single(Directory.GetFiles(Folder, "ActorConnect.Hosting.*.nupkg")))).Groups[1].Value;
        Assert.EndsWith("-" + suffix, Version, StringComparison.Ordinal);

        // The sample as an application outside the repository builds it: PackageReference, the machine's NuGet sources
        // plus the folder. The packages are extracted into a folder of this run (every other package comes from the
        // machine's global folder, unchanged), and bin/obj go to the temporary folder, not the sample's.
        var artifacts = _dir.Combine("sample");
        SampleBuildTime = await DotnetCli.RunAsync(_dir.Path, "build", Path.Combine(RepoPaths.RepoRoot, "samples", "EmbeddedWorker"),
            "-c", RepoPaths.BuildConfiguration, "--artifacts-path", artifacts, "-nologo",
            $"-p:ActorConnectPackageVersion={Version}",
            $"-p:RestoreAdditionalProjectSources={Folder}",
            $"-p:RestorePackagesPath={_dir.Combine("nuget-packages")}",
            $"-p:RestoreAdditionalProjectFallbackFolders={await GlobalPackagesFolderAsync()}");
        // What restore resolved: the package, not the project (the switch in the sample's project file).
        var assets = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(artifacts, "obj", "EmbeddedWorker", "project.assets.json")))!;
        Assert.Equal("package", assets["libraries"]![$"ActorConnect.Hosting/{Version}"]?["type"]?.GetValue<string>());
        SampleDll = Assert.Single(Directory.GetFiles(Path.Combine(artifacts, "bin", "EmbeddedWorker"), "EmbeddedWorker.dll", SearchOption.AllDirectories));
    }

    public Task DisposeAsync()
    {
        _dir?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The nuspec's <c>metadata</c> element.</summary>
    public static XElement Metadata(ZipArchive package, string id)
    {
        using var stream = Assert.Single(package.Entries, e => e.FullName == $"{id}.nuspec").Open();
        return XDocument.Load(stream).Root!.Child("metadata");
    }

    public static IReadOnlyList<(string Id, string Version)> Dependencies(ZipArchive package, string id) =>
        Metadata(package, id).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Select(e => ((string)e.Attribute("id")!, (string)e.Attribute("version")!)).ToList();

    private static async Task<string> GlobalPackagesFolderAsync()
    {
        await using var locals = ProcessRunner.Start("dotnet", ["nuget", "locals", "global-packages", "--list"], name: "dotnet nuget locals");
        Assert.Equal(0, await locals.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var line = Assert.Single(locals.Lines, l => l.StartsWith("global-packages:", StringComparison.Ordinal));
        return line["global-packages:".Length..].Trim();
    }

    [GeneratedRegex(@"^ActorConnect\.Hosting\.(.+)\.nupkg$")]
    private static partial Regex PackageVersion();
}

/// <summary>The nuspec's elements by local name (its namespace differs between nuspec schema versions).</summary>
internal static class NuspecElements
{
    public static XElement Child(this XElement parent, string name) =>
        Assert.Single(parent.Elements(), e => e.Name.LocalName == name);

    public static string Value(this XElement parent, string name) => parent.Child(name).Value;
}
