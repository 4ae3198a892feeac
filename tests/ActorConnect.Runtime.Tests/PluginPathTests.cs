using System.Runtime.Loader;
using System.Text;
using ActorConnect.Api.Connector;
using ActorConnect.Api.Errors;
using ActorConnect.Runtime.Config;
using ActorConnect.Runtime.Model;
using ActorConnect.Runtime.Plugins;
using ActorConnect.TestSupport;
using Akka.Actor;

namespace ActorConnect.Runtime.Tests;

/// <summary>
/// plugin.path: a connector that this test assembly does not reference (tests/ActorConnect.TestPlugin, built before
/// the tests but never copied beside them) is found in a plugin folder, loaded in a load context of its own while
/// sharing the host's SPI, resolved by the alias it declares, and run end to end by a standalone worker.
/// </summary>
[Collection("kafka")]
public sealed class PluginPathTests(KafkaFixture kafka)
{
    private const string Alias = "com.example.IsolatedEcho";
    private const string PluginTypeName = "ActorConnect.TestPlugin.IsolatedEchoSourceConnector";

    [Fact]
    public void The_test_plugin_is_not_referenced_by_the_tests()
    {
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, TestPluginBuild.AssemblyFile)),
            "ActorConnect.TestPlugin.dll must not be copied beside the tests, or the plugin test would prove nothing");
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == TestPluginBuild.AssemblyName);
        Assert.True(File.Exists(TestPluginBuild.DllPath), $"{TestPluginBuild.DllPath} is missing: build tests/ActorConnect.TestPlugin first");
    }

    [Fact]
    public void A_plugin_folder_is_loaded_in_its_own_load_context_and_its_alias_resolves()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins");
        var pluginsRoot = TestPluginBuild.InstallDllOnly(dir.Path);

        var registry = PluginRegistry.Create([typeof(Connector).Assembly], [pluginsRoot]);
        var plugin = registry.Resolve(Alias);

        Assert.Equal(PluginTypeName, plugin.Type.FullName);
        Assert.True(plugin.IsSource);
        var context = AssemblyLoadContext.GetLoadContext(plugin.Type.Assembly);
        Assert.NotNull(context);
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Contains(Path.Combine(pluginsRoot, "echo"), context!.Name);
        Assert.StartsWith(Path.Combine(pluginsRoot, "echo"), plugin.Type.Assembly.Location);

        // The SPI is the host's: the plugin's Connector is ours, so the runtime can use it.
        Assert.True(typeof(SourceConnector).IsAssignableFrom(plugin.Type));
        Assert.Same(typeof(Connector).Assembly, plugin.Type.BaseType!.Assembly);

        // Every name a user may write reaches the same plugin.
        foreach (var name in new[] { "com.example.IsolatedEchoSourceConnector", PluginTypeName, "IsolatedEchoSourceConnector", "IsolatedEchoSource" })
        {
            Assert.Same(plugin, registry.Resolve(name));
        }

        var connector = registry.CreateConnector(Alias);
        Assert.NotNull(connector.Config()["topic"]);
    }

    [Fact]
    public void A_plugin_folder_holding_the_plugins_whole_build_output_still_shares_the_hosts_SPI()
    {
        // What a plugin author ships is the build output: it includes ActorConnect.Api.dll. The host's copy must win,
        // or the plugin's Connector is another type than the runtime's and the plugin is not found at all.
        using var dir = RepoPaths.CreateTempDirectory("plugins");
        var pluginsRoot = TestPluginBuild.InstallBuildOutput(dir.Path);
        Assert.True(File.Exists(Path.Combine(pluginsRoot, "echo", "ActorConnect.Api.dll")), "the build output carries the SPI assembly");

        var registry = PluginRegistry.Create([typeof(Connector).Assembly], [pluginsRoot]);
        var plugin = registry.Resolve(Alias);

        var context = AssemblyLoadContext.GetLoadContext(plugin.Type.Assembly)!;
        Assert.NotSame(AssemblyLoadContext.Default, context);
        Assert.Same(typeof(Connector).Assembly, plugin.Type.BaseType!.Assembly);

        // Whether the plugin resolves above depends on the order the folder lists its files in; what must hold in any
        // order is that the plugin's context never loads its own copy of an assembly the host has.
        Assert.DoesNotContain(context.Assemblies, a => a.GetName().Name == typeof(Connector).Assembly.GetName().Name);
        Assert.IsAssignableFrom<SourceConnector>(registry.CreateConnector(Alias));
    }

    [Fact]
    public void A_plugin_is_visible_only_to_registries_whose_plugin_path_holds_it()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins");
        var pluginsRoot = TestPluginBuild.InstallDllOnly(dir.Path);
        var withPlugin = PluginRegistry.CreateDefault([pluginsRoot]);
        Assert.Equal(PluginTypeName, withPlugin.Resolve(Alias).Type.FullName);

        // The plugin's assembly is now loaded in this process, in its own context: a registry without that plugin.path
        // (another worker in the same process) must not pick it up as if it were one of the host's assemblies.
        var withoutPlugin = PluginRegistry.CreateDefault([]);
        var error = Assert.Throws<ConfigException>(() => withoutPlugin.Resolve(Alias));
        Assert.Contains(Alias, error.Message);
        Assert.DoesNotContain(withoutPlugin.Plugins, p => p.Type.FullName == PluginTypeName);
    }

    [Fact]
    public async Task A_plugin_path_entry_that_does_not_exist_is_rejected_naming_plugin_path_and_the_folder()
    {
        using var dir = RepoPaths.CreateTempDirectory("plugins");
        var missing = Path.Combine(dir.Path, "no-such-plugins");

        var error = Assert.Throws<ConfigException>(() => PluginRegistry.Create([typeof(Connector).Assembly], [missing]));
        Assert.Equal("plugin.path", error.Name);
        Assert.Contains("plugin.path", error.Message);
        Assert.Contains(missing, error.Message);

        // The same through a worker configured from properties (plugin.path is a list: the bad entry is named alone).
        var existing = Directory.CreateDirectory(Path.Combine(dir.Path, "plugins")).FullName;
        var config = WorkerConfig.ParseStandalone(TestWorkerProps.For(kafka, Path.Combine(dir.Path, "offsets"), extra: ("plugin.path", $"{existing}, {missing}")));
        Assert.Equal(new[] { existing, missing }, config.PluginPaths);
        var system = ActorSystem.Create("plugin-path-missing", RuntimeSettings.DefaultConfig());
        try
        {
            var workerError = Assert.Throws<ConfigException>(() => StandaloneWorker.Start(system, config, "plugin-path-test"));
            Assert.Contains("plugin.path", workerError.Message);
            Assert.Contains(missing, workerError.Message);
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task A_connector_from_plugin_path_runs_end_to_end_and_its_records_reach_the_topic()
    {
        var topic = KafkaFixture.UniqueName("plugin-echo");
        await kafka.CreateTopicAsync(topic, 1);
        using var dir = RepoPaths.CreateTempDirectory("plugin-worker");
        var pluginsRoot = TestPluginBuild.InstallDllOnly(dir.Path);
        var config = WorkerConfig.ParseStandalone(TestWorkerProps.For(kafka, Path.Combine(dir.Path, "connect.offsets"), extra: ("plugin.path", pluginsRoot)));

        // No assemblies handed to the worker: it knows the plugin only from plugin.path.
        var worker = StandaloneWorker.Start(config, workerId: "plugin-worker");
        try
        {
            var resolved = worker.Services.Plugins.Resolve(Alias);
            Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(resolved.Type.Assembly));
            Assert.StartsWith(pluginsRoot, resolved.Type.Assembly.Location);

            await worker.CreateConnectorAsync(new Dictionary<string, string>
            {
                ["name"] = topic,
                ["connector.class"] = Alias,
                ["topic"] = topic,
                ["messages"] = "hello,from,the,plugin",
            });

            var consumed = await kafka.ConsumeAllAsync(topic, 4, TimeSpan.FromSeconds(60));
            Assert.Equal(new[] { "hello", "from", "the", "plugin" }, consumed.Select(r => Encoding.UTF8.GetString(r.Message.Value!)));

            // Each record is keyed by the load context its task class came from: the task ran from the plugin folder too.
            var keys = consumed.Select(r => Encoding.UTF8.GetString(r.Message.Key!)).Distinct().ToList();
            var key = Assert.Single(keys);
            Assert.Contains(Path.Combine(pluginsRoot, "echo"), key);
            Assert.NotEqual("Default", key);

            var status = await worker.StatusAsync(topic);
            Assert.True(status.State == ConnectState.Running && status.Tasks.Count == 1 && status.Tasks[0].State == ConnectState.Running,
                WorkerHarness.Describe(status));
        }
        finally
        {
            await worker.StopAsync();
        }
    }
}
