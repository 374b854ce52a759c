using System.Diagnostics.Metrics;

namespace ReHome.Worker.Telemetry;

/// <summary>The queue as Horizon showed it: how long jobs wait, how they end, how long they take.</summary>
internal sealed class QueueMetrics
{
    public const string WaitTimeName = "rehome.queue.wait_time";
    public const string JobsName = "rehome.jobs";
    public const string JobDurationName = "rehome.jobs.duration";

    private readonly Histogram<double> _waitTime;
    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _jobDuration;

    public QueueMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ReHomeTelemetry.MeterName);
        _waitTime = meter.CreateHistogram<double>(WaitTimeName, "s", "Time from queueing a run to a worker starting it, by priority");
        _jobs = meter.CreateCounter<long>(JobsName, "{job}", "Jobs handled, by outcome (completed, cancelled, failed, dead_lettered, requeued, taken_over)");
        _jobDuration = meter.CreateHistogram<double>(JobDurationName, "s", "Time a worker spent on a job, by outcome");
    }

    public void Started(string priority, TimeSpan waited) =>
        _waitTime.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>("priority", priority));

    public void Finished(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _jobs.Add(1, tag);
        _jobDuration.Record(duration.TotalSeconds, tag);
    }
}
