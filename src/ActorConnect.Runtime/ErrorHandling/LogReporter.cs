using System.Text;
using ActorConnect.Runtime.Model;
using Akka.Event;

namespace ActorConnect.Runtime.ErrorHandling;

/// <summary>
/// <c>errors.log.enable</c>: logs each failed operation with where it failed and on which record (topic, partition and
/// offset, or source partition and offset, which are coordinates rather than content); with
/// <c>errors.log.include.messages</c> also the record's key, value and headers.
/// </summary>
public sealed class LogReporter(ConnectorTaskId id, bool includeMessages, ILoggingAdapter log) : IErrorReporter
{
    private const int MaxShownBytes = 1024;

    public Task Report(ProcessingContext context)
    {
        log.Error(context.Error, "{0}", Message(id, context, includeMessages));
        return Task.CompletedTask;
    }

    public static string Message(ConnectorTaskId id, ProcessingContext context, bool includeMessages)
    {
        var b = new StringBuilder("Error encountered in task ").Append(id).Append(" while performing ")
            .Append(context.Stage.KafkaName()).Append(" operation with class '").Append(context.ExecutingClass.FullName)
            .Append("' on ").Append(context.DescribeRecord());
        if (includeMessages)
        {
            if (context.Source is { } source)
            {
                b.Append(", with record = {key=").Append(source.Key).Append(", value=").Append(source.Value)
                    .Append(", headers=[").AppendJoin(", ", source.Headers.Select(h => $"{h.Key}={h.Value}")).Append("]}");
            }
            else if (context.Raw is { } raw)
            {
                b.Append(", with record = {key=").Append(Show(raw.Key)).Append(", value=").Append(Show(raw.Value))
                    .Append(", timestamp=").Append(raw.Timestamp?.ToUnixTimeMilliseconds().ToString() ?? "none")
                    .Append(", headers=[").AppendJoin(", ", (raw.Headers ?? []).Select(h => $"{h.Key}={Show(h.Value)}")).Append("]}");
            }
        }

        return b.Append('.').ToString();
    }

    private static string Show(byte[]? bytes)
    {
        if (bytes is null)
        {
            return "null";
        }

        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, MaxShownBytes));
        return bytes.Length > MaxShownBytes ? $"{text}... ({bytes.Length} bytes)" : text;
    }

    public void Dispose()
    {
    }
}
