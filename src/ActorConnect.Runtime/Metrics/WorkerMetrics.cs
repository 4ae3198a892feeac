using ActorConnect.Runtime.Model;
using Prometheus;

namespace ActorConnect.Runtime.Metrics;

/// <summary>
/// Kafka Connect's worker metrics (<c>connect-worker-metrics</c>), from the statuses: how many connectors and tasks this
/// worker runs, per connector how many of its tasks here are in each state, and each task's restart count. Set by one
/// scrape at a time (<see cref="ConnectMetrics.ExportAsTextAsync"/>).
/// </summary>
internal sealed class WorkerMetrics(IMetricFactory factory)
{
    private static readonly string[] States = Enum.GetNames<ConnectState>().Select(s => s.ToLowerInvariant()).ToArray();

    private readonly Gauge _connectorCount = factory.CreateGauge("kafka_connect_connect_worker_metrics_connector_count", "Connectors run by this worker.");
    private readonly Gauge _taskCount = factory.CreateGauge("kafka_connect_connect_worker_metrics_task_count", "Tasks run by this worker.");
    private readonly Gauge _tasksByState = factory.CreateGauge(
        "kafka_connect_connect_worker_metrics_connector_task_count",
        "Tasks of the connector on this worker in each state (Kafka Connect's connector-running-task-count, connector-failed-task-count, ... as a state label).",
        new GaugeConfiguration { LabelNames = ["connector", "state"] });
    private readonly Gauge _restarts = factory.CreateGauge(
        "actorconnect_task_restart_count",
        "How many times the task was restarted after a failure (the status's restart_count).",
        new GaugeConfiguration { LabelNames = ["connector", "task"] });

    /// <summary>Sets the worker gauges from every connector's status, counting only what runs on <paramref name="workerId"/>.</summary>
    public void Update(IReadOnlyList<ConnectorStatus> statuses, string workerId)
    {
        _connectorCount.Set(statuses.Count(s => s.WorkerId == workerId && s.State is not ConnectState.Stopped));
        var tasks = statuses.SelectMany(s => s.Tasks.Where(t => t.WorkerId == workerId).Select(t => (Connector: s.Name, Task: t))).ToList();
        _taskCount.Set(tasks.Count);

        foreach (var labels in _tasksByState.GetAllLabelValues().ToList())
        {
            _tasksByState.RemoveLabelled(labels);
        }

        foreach (var labels in _restarts.GetAllLabelValues().ToList())
        {
            _restarts.RemoveLabelled(labels);
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
                _tasksByState.WithLabels(connector.Name, States[(int)state]).Set(here.Count(t => t.State == state));
            }

            foreach (var task in here)
            {
                _restarts.WithLabels(connector.Name, task.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(task.RestartCount);
            }
        }
    }
}
