using System.Globalization;
using ActorConnect.Bench;

// acbench: the client side of bench/run.sh. Every measuring command ends with one "RESULT key=value ..." line on stdout,
// which run.sh parses; everything else (progress, librdkafka warnings) goes to stderr.
var (positional, options) = Args.Split(args);
if (positional.Count == 0)
{
    return Usage();
}

try
{
    var rest = positional.Skip(1).ToArray();
    return positional[0] switch
    {
        "probe" when rest.Length == 1 => Probe(rest[0]),
        "gen-file" when rest.Length == 2 => GenFile.Run(rest[0], long.Parse(rest[1])),
        "grow-file" when rest.Length == 3 => GrowFile.Run(rest[0], double.Parse(rest[1], CultureInfo.InvariantCulture), double.Parse(rest[2], CultureInfo.InvariantCulture), options),
        "raw-tail" when rest.Length == 3 => RawTail.Run(rest[0], rest[1], rest[2], options),
        "latency" when rest.Length == 4 => Latency.Run(rest[0], rest[1], double.Parse(rest[2], CultureInfo.InvariantCulture), double.Parse(rest[3], CultureInfo.InvariantCulture), options),
        "suite-merge" when rest.Length == 1 => SuiteMerge.Run(rest[0], options),
        "raw-produce" when rest.Length == 3 => Produce.Run(rest[0], rest[1], rest[2], options, preload: false),
        "preload" when rest.Length == 3 => Produce.Run(rest[0], rest[1], rest[2], options, preload: true),
        "raw-consume" when rest.Length == 4 => Consume.Run(rest[0], rest[1], long.Parse(rest[2]), rest[3], options),
        "wait-topic" when rest.Length == 4 => Wait.Topic(rest[0], rest[1], long.Parse(rest[2]), double.Parse(rest[3]), options),
        "count-topic" when rest.Length == 2 => Wait.CountTopic(rest[0], rest[1], options),
        "wait-lines" when rest.Length == 3 => Wait.Lines(rest[0], long.Parse(rest[1]), double.Parse(rest[2]), options),
        "create-topic" when rest.Length == 3 => CreateTopic.Run(rest[0], rest[1], int.Parse(rest[2]), options.ContainsKey("--compact")),
        "many-tasks" when rest.Length == 4 => ManyTasks.Run(rest[0], rest[1], rest[2], rest[3], options),
        "raw-idle" when rest.Length == 2 => RawIdle.Run(rest[0], rest[1], options),
        "cdc-latency" when rest.Length == 4 => CdcLatency.Run(rest[0], rest[1], long.Parse(rest[2]), double.Parse(rest[3], CultureInfo.InvariantCulture), options),
        "cluster" when rest.Length == 0 => ActorConnect.Bench.Cluster.ClusterCommand.RunAsync(options).GetAwaiter().GetResult(),
        _ => Usage(),
    };
}
catch (Exception e) when (e is FormatException or ArgumentException or IOException or Confluent.Kafka.KafkaException or TimeoutException or InvalidOperationException)
{
    Console.Error.WriteLine($"acbench: {e.GetType().Name}: {e.Message}");
    return 1;
}

static int Probe(string bootstrap)
{
    Console.WriteLine(Broker.Probe(bootstrap) ? "legacy" : "modern");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: acbench <command> [args] [options]
          probe <bootstrap>                                    prints legacy (Kafka < 0.10, no ApiVersions) or modern
          gen-file <path> <lines>                              numbered, unique lines of 100 bytes (99 + '\n')
          grow-file <path> <rate> <seconds>                    appends rate*seconds such lines at rate lines/s, in chunks every
                                                               --chunk-ms (10), each flushed; with --bootstrap B --topic T also the
                                                               stopwatch: first line, wait for it in T (ready), the rest on schedule,
                                                               then wait until T holds them all: lag, worst lag, --pid's CPU meanwhile
          raw-tail <bootstrap> <file> <topic>                  the ceiling for a growing file: follows the file (--idle-ms 100), produces
                                                               each line as raw-produce does, until SIGINT/SIGTERM
          suite-merge <results-dir>                            every part's results (throughput.csv, failover.csv, transforms.csv or
                                                               .md, jdbc.csv) into suite.csv and suite.md (--csv, --md, --chart name)
          latency <in-file> <out-file> <rate> <seconds>        appends lines to in-file at the rate (as grow-file) and times each one until it
                                                               appears in out-file (file → topic → file); --pid a[,b], --since, --timeout
          many-tasks <rest-url> <bootstrap> <dir> <topic-prefix>  --sources N (50) source and sink connectors, --sink-tasks (5) per sink,
                                                               --lines (20) per file, --pid P (the worker): all RUNNING, output checked,
                                                               then RSS, threads, idle CPU over --idle-s (30), REST p50/p99 of --requests (500)
          raw-idle <bootstrap> <topic-prefix>                  the floor under many-tasks' idle CPU: the same 300 librdkafka clients alone
                                                               (--sources, --sink-tasks), consumers blocking in Consume(1 s); its own idle CPU
          raw-produce <bootstrap> <file> <topic>               the ceiling: Produce() + delivery handler, acks=all, linger.ms=5, Flush
          preload <bootstrap> <file> <topic>                   the same, to fill a topic before a sink run
          raw-consume <bootstrap> <topic> <count> <outfile>    group consumer, writes each value as a line, one commit at the end
          wait-topic <bootstrap> <topic> <count> <timeoutSec>  polls the high watermarks (summed over partitions) until count
          count-topic <bootstrap> <topic>                      prints the records in the topic (high watermarks summed)
          wait-lines <file> <count> <timeoutSec>               follows a file until it holds count lines
          create-topic <bootstrap> <topic> <partitions>        Admin API (modern brokers only); --compact for a compacted topic
          cdc-latency <bootstrap> <topic> <count> <timeoutSec> a CDC topic (JsonConverter with schemas) read from its start until count
                                                               changes came, each timed from its row's sent_us (µs since the epoch)
          cluster --bootstrap B --host-dll D --plugins P --dir W --group G --csv F --run ID [...]
                                                               the distributed benchmark (bench/failover.sh): 3 workers
                                                               without seeds started at once, timed to one cluster of 3
                                                               (--startup-rounds 1: more are whole-cluster restarts),
                                                               failover rounds (--rounds 10, --failover-topic T), then A's
                                                               throughput while B is created and deleted (--churn-seconds 60,
                                                               --churn-topic TA, --churn-b-topic TB); also --label, --hocon,
                                                               --nodes 3, --tasks 3, --flush-ms 1000, --churn-hold-ms 2000; topics G-configs,
                                                               G-offsets, G-status must exist
        options:
          --legacy | --modern     broker protocol (--legacy for Kafka < 0.10). Without either, an ApiVersions probe decides,
                                  which makes a 0.9 broker drop other clients' concurrent requests: give the flag on a shared broker
          --since <unix-seconds>  wait-*, grow-file: report the time elapsed since this instant (default: since the command started)
          --pid <pid>             wait-*, grow-file: give up as soon as this process has exited
          --timeout <seconds>     grow-file: give up waiting for the topic after this long (600)
          --mark <n>              wait-*: also report when n records were there (default: 99.9% of the count)
          --group <id>            raw-consume: the consumer group (default: a fresh one, so it reads from the start)
          --set <k=v,k=v>         raw-consume, raw-produce, raw-tail, preload: extra librdkafka properties (a worker's queue sizes on the bare client)
          --flush-each            raw-consume: flush the output file after every line (the latency row reads it as it grows)
        Times of raw-produce/raw-consume are from the process start (as the OS records it) to the end of the work,
        like the workers' rows, which are timed from their process start.
        """);
    return 2;
}
