using System.Text.Json;
using System.Text.Json.Nodes;
using ActorConnect.Kafka;
using ActorConnect.Kafka.ClientKeys;
using Confluent.Kafka;

namespace ActorConnect.Connectors.Postgres;

/// <summary>
/// The readers of the signal channels besides the signal table, started with the task, each on a background task of
/// its own, putting what they read into the <see cref="SignalInbox"/>: the file channel and the Kafka channel, as
/// Debezium's <c>FileSignalChannel</c> and <c>KafkaSignalChannel</c> read them.
/// </summary>
internal sealed class SignalChannels : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = new();

    private SignalChannels()
    {
    }

    /// <summary>The inbox the readers fill; null when only the signal table is read.</summary>
    public SignalInbox? Inbox { get; private init; }

    /// <summary>Starts a reader per enabled channel besides source.</summary>
    public static SignalChannels Start(PostgresConnectorConfig config, ReaderWarnings warnings)
    {
        var external = config.SignalChannels.Contains(Signals.KafkaChannel) || config.SignalChannels.Contains(Signals.FileChannel);
        var channels = new SignalChannels { Inbox = external ? new SignalInbox() : null };
        if (config.SignalChannels.Contains(Signals.FileChannel))
        {
            channels._readers.Add(Task.Run(() => channels.ReadFileAsync(config, warnings)));
        }

        if (config.SignalChannels.Contains(Signals.KafkaChannel))
        {
            channels._readers.Add(Task.Run(() => channels.ReadKafkaAsync(config, warnings)));
        }

        return channels;
    }

    /// <summary>Stops the readers (the Kafka consumer commits what it read and leaves).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        Task.WaitAll(_readers.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)).ToArray());
        _stop.Dispose();
    }

    /// <summary>
    /// Debezium's file channel: every <c>signal.poll.interval.ms</c> the file's lines are read and the file emptied, so a
    /// signal is acted on once, and not again after a restart. A line is <c>{"id": ..., "type": ..., "data": {...}}</c>;
    /// one that is not gives a warning.
    /// </summary>
    private async Task ReadFileAsync(PostgresConnectorConfig config, ReaderWarnings warnings)
    {
        var path = config.SignalFilePath!;
        var from = $"from file {path}";
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(config.SignalPollMs));
        do
        {
            string[] lines;
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                // Read and emptied under one handle, so a line appended meanwhile is not lost.
                await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
                using (var reader = new StreamReader(file, leaveOpen: true))
                {
                    lines = (await reader.ReadToEndAsync(_stop.Token)).Split('\n');
                }

                file.SetLength(0);
            }
            catch (IOException e)
            {
                warnings.Say($"Signal file {path} (signal.file) cannot be read: {e.Message}; it is read again in {config.SignalPollMs} ms.");
                continue;
            }
            catch (UnauthorizedAccessException e)
            {
                warnings.Say($"Signal file {path} (signal.file) cannot be read: {e.Message}; give the worker read and write access to it.");
                continue;
            }

            foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                if (Parse(line, null, from) is { } signal)
                {
                    Inbox!.Add(signal);
                }
                else
                {
                    warnings.Say($"A line of signal file {path} is skipped: it is not a signal, {{\"id\": \"...\", \"type\": \"execute-snapshot\", \"data\": {{...}}}}: {SnapshotSignal.Shorten(line)}");
                }
            }
        }
        while (await Next(timer));
    }

    /// <summary>
    /// Debezium's Kafka channel: partition 0 of <c>signal.kafka.topic</c>, read from the group's committed offset (the
    /// earliest at first) and committed as read, so a restarted task reads on after the signals already taken. A
    /// record keyed by another connector's <c>topic.prefix</c> is skipped; its value is <c>{"type": ..., "data": {...}}</c>
    /// (an <c>id</c> is optional: the record's offset names it otherwise).
    /// </summary>
    private async Task ReadKafkaAsync(PostgresConnectorConfig config, ReaderWarnings warnings)
    {
        var from = $"from Kafka topic {config.SignalTopic}";
        IConsumer<string?, string?>? consumer = null;
        try
        {
            var translated = ClientTranslation.Translate(config.SignalConsumer, ClientKind.Consumer, PostgresConnectorConfig.SignalConsumerPrefix,
                (key, why) => warnings.Say($"{PostgresConnectorConfig.SignalConsumerPrefix}{key} is ignored: {why}."));
            // As the worker does: a broker declared (api.version.request=false) is not probed, since asking a 0.9 broker
            // ApiVersions makes it drop the other requests it had just read.
            var features = translated.Properties.GetValueOrDefault("api.version.request") == "false"
                ? Version.TryParse(translated.Properties.GetValueOrDefault("broker.version.fallback") ?? "0.10.0", out var declared) && declared < new Version(0, 10)
                    ? BrokerFeatures.Legacy
                    : BrokerFeatures.Modern
                : await KafkaBrokerProbe.DetectAsync(config.SignalServers!, TimeSpan.FromSeconds(30), _stop.Token, translated.Security);
            var settings = new ConsumerSettings(config.SignalServers!, config.SignalGroup).WithBrokerFeatures(features).WithProperties(translated.Properties);
            // librdkafka's log lines stay out of the task's log; its errors (a broker gone, a refused login, a missing
            // topic) go to the task's status, once per distinct error, as the channel's other faults do.
            string? lastError = null;
            consumer = new ConsumerBuilder<string?, string?>(settings.BuildConfig())
                .SetLogHandler((_, _) => { })
                .SetErrorHandler((_, error) =>
                {
                    if (error.Reason != Interlocked.Exchange(ref lastError, error.Reason))
                    {
                        warnings.Say($"The Kafka signal channel (signal.kafka.topic {config.SignalTopic} at signal.kafka.bootstrap.servers {config.SignalServers}) " +
                            $"reports: {error.Reason}. Signals sent there wait until it reaches the topic.");
                    }
                })
                .Build();
            consumer.Assign(new TopicPartition(config.SignalTopic, 0));
            // Consume blocks: on a thread of its own, not the pool's, for the task's life.
            await Task.Factory.StartNew(() => Consume(consumer, config, warnings, from), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is KafkaException or KafkaBrokerUnreachableException or ActorConnect.Api.Errors.ConfigException)
        {
            warnings.Say($"The Kafka signal channel (signal.kafka.topic {config.SignalTopic} at signal.kafka.bootstrap.servers {config.SignalServers}) stopped: {e.Message}. " +
                "Signals are read from the other channels only until the task restarts.");
        }
        finally
        {
            consumer?.Close();
            consumer?.Dispose();
        }
    }

    /// <summary>Polls the topic until the channel stops, committing each record once it is in the inbox.</summary>
    private void Consume(IConsumer<string?, string?> consumer, PostgresConnectorConfig config, ReaderWarnings warnings, string from)
    {
        while (!_stop.IsCancellationRequested)
        {
            var result = consumer.Consume(Math.Max(config.SignalKafkaPollMs, 100));
            if (result?.Message is null || result.IsPartitionEOF)
            {
                continue;
            }

            if (result.Message.Key == config.Prefix && result.Message.Value is { Length: > 0 } value)
            {
                if (Parse(value, $"{config.SignalTopic}@{result.Offset.Value}", from) is { } signal)
                {
                    Inbox!.Add(signal);
                }
                else
                {
                    warnings.Say($"Record {result.Offset.Value} of signal topic {config.SignalTopic} is skipped: its value is not a signal, " +
                        $"{{\"type\": \"execute-snapshot\", \"data\": {{...}}}}: {SnapshotSignal.Shorten(value)}");
                }
            }

            consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
        }
    }

    /// <summary>A signal's JSON, <c>{"id", "type", "data"}</c>; null when it is not one.</summary>
    private static ReceivedSignal? Parse(string json, string? defaultId, string from)
    {
        try
        {
            var node = JsonNode.Parse(json);
            return (string?)node?["type"] is { Length: > 0 } type && ((string?)node["id"] ?? defaultId) is { } id
                ? new ReceivedSignal(id, type, node["data"]?.ToJsonString(), from)
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private async Task<bool> Next(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
