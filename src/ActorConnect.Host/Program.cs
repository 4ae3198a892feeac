using System.CommandLine;
using ActorConnect.Host;

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
var validate = new Command("validate", "Check a worker file and connector files offline (no broker): the checks and messages of PUT /connector-plugins/{plugin}/config/validate, per key. Exit code 0 when all are valid, 1 when not.")
{
    validateWorkerFile, validateConnectorFiles,
};
validate.SetAction(parse => ValidateCommand.Run(parse.GetRequiredValue(validateWorkerFile), parse.GetValue(validateConnectorFiles) ?? [], parse.InvocationConfiguration.Output));

var pluginsWorkerFile = new Argument<FileInfo?>("worker.properties") { Description = "A worker configuration whose plugin.path to list (optional).", Arity = ArgumentArity.ZeroOrOne };
var pluginPath = new Option<string[]>("--plugin-path") { Description = "A plugin folder, as in plugin.path (repeatable); added to the worker file's.", AllowMultipleArgumentsPerToken = true };
var plugins = new Command("plugins", "List the connectors, converters, transformations and predicates a worker would find, with versions, aliases and where each was loaded from, then what in plugin.path could not be loaded and why (Kafka Connect's connect-plugin-path list). Exit code 0 when everything loaded, 1 when not.")
{
    pluginsWorkerFile, pluginPath,
};
plugins.SetAction(parse => PluginsCommand.Run(parse.GetValue(pluginsWorkerFile), parse.GetValue(pluginPath) ?? [], parse.InvocationConfiguration.Output));

var root = new RootCommand("ActorConnect: Kafka Connect's job, on Akka.NET actors.") { standalone, distributed, validate, plugins };
HelpWithExamples.Install(root, new Dictionary<Command, string[]>
{
    [root] =
    [
        "actorconnect standalone config/worker.properties config/file-source.properties config/file-sink.properties",
        "actorconnect distributed config/connect-distributed.properties",
        "actorconnect validate config/worker.properties config/file-source.properties",
        "actorconnect plugins --plugin-path /opt/connectors",
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
    ],
    [plugins] =
    [
        "actorconnect plugins",
        "actorconnect plugins --plugin-path /opt/connectors",
        "actorconnect plugins config/connect-distributed.properties   # that worker's plugin.path",
    ],
});
return await root.Parse(args).InvokeAsync();
