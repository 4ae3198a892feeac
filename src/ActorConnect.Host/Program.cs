using System.CommandLine;
using System.CommandLine.Invocation;
using ActorConnect.Host;
using ActorConnect.Host.PipelineTests;

// First, before anything starts: this may replace the process with one that has the worker's GC settings.
ProcessDefaults.Apply(args);
BundledPlugins.Load();

var workerFile = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration (Kafka Connect's worker.properties keys)." };
var connectorFiles = new Argument<FileInfo[]>("connector.properties") { Description = "Connector configurations (.properties or .json), one file per connector.", Arity = ArgumentArity.ZeroOrMore };
var hoconFile = new Option<FileInfo?>("--hocon") { Description = "A HOCON file overriding the Akka settings of hocon/actorconnect.conf." };
var statusInterval = new Option<int>("--status-interval") { Description = "Print every connector's status every N seconds (0: only at start and stop).", DefaultValueFactory = _ => 0 };

var standalone = new Command("standalone", "Run a standalone worker, as Kafka Connect's connect-standalone: offsets in a local file, connectors from files.")
{
    workerFile, connectorFiles, hoconFile, statusInterval,
};
standalone.SetAction((parse, cancellation) => StandaloneCommand.RunAsync(
    parse.GetRequiredValue(workerFile),
    parse.GetValue(connectorFiles) ?? [],
    parse.GetValue(hoconFile),
    parse.GetValue(statusInterval),
    cancellation));

var distributedWorkerFile = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration: Kafka Connect's distributed keys plus cluster.hostname, cluster.port and cluster.seed.nodes." };
var distributedHocon = new Option<FileInfo?>("--hocon") { Description = "A HOCON file overriding the Akka settings of hocon/actorconnect.conf and hocon/cluster.conf." };
var distributed = new Command("distributed", "Run a node of a distributed cluster, as Kafka Connect's connect-distributed: connectors placed by cluster sharding, state in Kafka topics.")
{
    distributedWorkerFile, distributedHocon,
};
distributed.SetAction((parse, cancellation) => DistributedCommand.RunAsync(parse.GetRequiredValue(distributedWorkerFile), parse.GetValue(distributedHocon), cancellation));

var validateWorkerFile = new Argument<FileInfo>("worker.properties") { Description = "The worker configuration, standalone or distributed (it has group.id)." };
var validateConnectorFiles = new Argument<FileInfo[]>("connector") { Description = "Connector configurations (.properties or .json) to check with that worker's plugins.", Arity = ArgumentArity.ZeroOrMore };
var validateHocon = new Option<FileInfo?>("--hocon") { Description = "The HOCON file the worker would start with (as standalone's and distributed's --hocon): checked as a start reads it." };
var validate = new Command("validate", "Check a worker file and connector files offline (no broker): the checks and messages of PUT /connector-plugins/{plugin}/config/validate, per key. Exit code 0 when all are valid, 1 when not.")
{
    validateWorkerFile, validateConnectorFiles, validateHocon,
};
validate.SetAction(parse => ValidateCommand.Run(parse.GetRequiredValue(validateWorkerFile), parse.GetValue(validateConnectorFiles) ?? [], parse.GetValue(validateHocon), parse.InvocationConfiguration.Output));

var pluginsWorkerFile = new Argument<FileInfo?>("worker.properties") { Description = "A worker configuration whose plugin.path to list (optional).", Arity = ArgumentArity.ZeroOrOne };
var pluginPath = new Option<string[]>("--plugin-path") { Description = "A plugin folder, as in plugin.path (repeatable); added to the worker file's.", AllowMultipleArgumentsPerToken = true };
var plugins = new Command("plugins", "List the connectors, converters, transformations and predicates a worker would find, with versions, aliases and where each was loaded from, then what in plugin.path could not be loaded and why (Kafka Connect's connect-plugin-path list). Exit code 0 when everything loaded, 1 when not.")
{
    pluginsWorkerFile, pluginPath,
};
plugins.SetAction(parse => PluginsCommand.Run(parse.GetValue(pluginsWorkerFile), parse.GetValue(pluginPath) ?? [], parse.InvocationConfiguration.Output));

var testConnectorFile = new Argument<FileInfo>("connector.properties") { Description = "The connector configuration (.properties or .json) whose converters, transforms and predicates to run." };
var testCasesFile = new Argument<FileInfo>("cases.yaml") { Description = "The cases: each a named input record and the record expected out (or dropped: true, or error: text)." };
var testWorkerFile = new Option<FileInfo?>("--worker") { Description = "The worker file the connector runs with: its key.converter/value.converter (when the connector names none), plugin.path and config providers." };
var testPluginPath = new Option<string[]>("--plugin-path") { Description = "A plugin folder, as in plugin.path (repeatable), for transforms and predicates not built in.", AllowMultipleArgumentsPerToken = true };
var test = new Command("test", "Run a connector's converters, transforms and predicates on the records of a cases file, as its task would (no broker, nothing started), and compare what comes out with what each case expects. Exit code 0 when all pass, 1 when some fail, 2 when a file cannot be used.")
{
    testConnectorFile, testCasesFile, testWorkerFile, testPluginPath,
};
test.SetAction(parse => PipelineTestCommand.Run(parse.GetRequiredValue(testConnectorFile), parse.GetRequiredValue(testCasesFile), parse.GetValue(testWorkerFile),
    parse.GetValue(testPluginPath) ?? [], parse.InvocationConfiguration.Output));

var root = new RootCommand("ActorConnect: Kafka Connect's job, on Akka.NET actors.") { standalone, distributed, validate, plugins, test };
HelpWithExamples.Install(root, new Dictionary<Command, string[]>
{
    [root] =
    [
        "actorconnect standalone config/worker.properties config/file-source.properties config/file-sink.properties",
        "actorconnect distributed config/connect-distributed.properties",
        "actorconnect validate config/worker.properties config/file-source.properties",
        "actorconnect plugins --plugin-path /opt/connectors",
        "actorconnect test samples/pipeline-test/connector.properties samples/pipeline-test/cases.yaml",
        "actorconnect standalone --help",
    ],
    [standalone] =
    [
        "actorconnect standalone config/worker.properties config/file-source.properties config/file-sink.properties",
        "actorconnect standalone worker.properties connector.json --status-interval 10",
        "CONNECT_BOOTSTRAP_SERVERS=broker:9092 actorconnect standalone worker.properties   # connectors then come over REST",
    ],
    [distributed] =
    [
        "actorconnect distributed config/connect-distributed.properties",
        "CONNECT_CLUSTER_PORT=0 actorconnect distributed config/connect-distributed.properties   # a second node on the same host",
    ],
    [validate] =
    [
        "actorconnect validate config/worker.properties config/file-source.properties config/file-sink.properties",
        "actorconnect validate config/connect-distributed.properties connectors/*.json || exit 1   # in a CI pipeline",
        "actorconnect validate config/worker.properties --hocon production.conf   # the HOCON settings too",
    ],
    [plugins] =
    [
        "actorconnect plugins",
        "actorconnect plugins --plugin-path /opt/connectors",
        "actorconnect plugins config/connect-distributed.properties   # that worker's plugin.path",
    ],
    [test] =
    [
        "actorconnect test samples/pipeline-test/connector.properties samples/pipeline-test/cases.yaml",
        "actorconnect test connector.json cases.yaml --worker config/worker.properties   # the worker's converters",
        "actorconnect test connector.properties cases.yaml --plugin-path /opt/connectors || exit 1   # in a CI pipeline",
    ],
});
var parsed = root.Parse(args);
var exitCode = await parsed.InvokeAsync();
// A usage error (unknown option, missing argument) exits 2, as Unix tools do, so a script tells it from a command's
// own "invalid" or "failed" (1). System.CommandLine prints the error and the help, and returns 1.
return parsed.Action is ParseErrorAction ? 2 : exitCode;
