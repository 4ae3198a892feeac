using System.CommandLine;
using ActorConnect.Host;

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

var root = new RootCommand("ActorConnect: Kafka Connect's job, on Akka.NET actors.") { standalone, distributed };
return await root.Parse(args).InvokeAsync();
