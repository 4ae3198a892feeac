using ActorConnect.Runtime.Model;
using Prometheus;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// Kafka Connect's worker metrics (<c>connect-worker-metrics</c>), from the statuses: how many connectors and tasks this
/// worker runs, per connector how many of its tasks here are in each state, and each task's restart count.
/// </summary>
public static class WorkerMetrics
{
    private static readonly Gauge ConnectorCount = Prometheus.Metrics.CreateGauge("kafka_connect_connect_worker_metrics_connector_count", "Connectors run by this worker.");
    private static readonly Gauge TaskCount = Prometheus.Metrics.CreateGauge("kafka_connect_connect_worker_metrics_task_count", "Tasks run by this worker.");
    private static readonly Gauge TasksByState = Prometheus.Metrics.CreateGauge(
        "kafka_connect_connect_worker_metrics_connector_task_count",
        "Tasks of the connector on this worker in each state (Kafka Connect's connector-running-task-count, connector-failed-task-count, ... as a state label).",
        new GaugeConfiguration { LabelNames = ["connector", "state"] });
    private static readonly Gauge Restarts = Prometheus.Metrics.CreateGauge(
        "actorconnect_task_restart_count",
        "How many times the task was restarted after a failure (the status's restart_count).",
        new GaugeConfiguration { LabelNames = ["connector", "task"] });

    private static readonly string[] States = Enum.GetNames<ConnectState>().Select(s => s.ToLowerInvariant()).ToArray();
    private static readonly object Lock = new();

    /// <summary>Sets the worker gauges from every connector's status, counting only what runs on <paramref name="workerId"/>.</summary>
    public static void Update(IReadOnlyList<ConnectorStatus> statuses, string workerId)
    {
        lock (Lock)
        {
            ConnectorCount.Set(statuses.Count(s => s.WorkerId == workerId && s.State is not ConnectState.Stopped));
            var tasks = statuses.SelectMany(s => s.Tasks.Where(t => t.WorkerId == workerId).Select(t => (Connector: s.Name, Task: t))).ToList();
            TaskCount.Set(tasks.Count);

            foreach (var labels in TasksByState.GetAllLabelValues().ToList())
            {
                TasksByState.RemoveLabelled(labels);
            }

            foreach (var labels in Restarts.GetAllLabelValues().ToList())
            {
                Restarts.RemoveLabelled(labels);
            }

            foreach (var connector in statuses)
            {
                var here = connector.Tasks.Where(t => t.WorkerId == workerId).ToList();
                if (here.Count == 0 && connector.WorkerId != workerId)
                {
                    continue;
                }

                foreach (var state in Enum.GetValues<ConnectState>())
                {
                    TasksByState.WithLabels(connector.Name, States[(int)state]).Set(here.Count(t => t.State == state));
                }

                foreach (var task in here)
                {
                    Restarts.WithLabels(connector.Name, task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(task.RestartCount);
                }
            }
        }
    }
}
