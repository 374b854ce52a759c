using System.Diagnostics.Metrics;

namespace ReHome.Worker.Telemetry;

/// <summary>
/// Gauges of Redis-wide state: streams live, recently ended and stuck; queue depth per priority; Redis
/// memory, ops/s and keyspace hit ratio (the runbook's redis-cli readings). Only the worker holding the
/// sampler lease reports them, so several workers do not report the same Redis several times.
/// </summary>
internal sealed class RedisStateGauges
{
    public const string LiveStreamsName = "rehome.streams.live";
    public const string EndedStreamsName = "rehome.streams.ended_recently";
    public const string StuckStreamsName = "rehome.streams.stuck";
    public const string QueueDepthName = "rehome.queue.depth";
    public const string RedisMemoryName = "rehome.redis.memory.used";
    public const string RedisOpsName = "rehome.redis.ops_per_second";
    public const string RedisHitRatioName = "rehome.redis.keyspace.hit_ratio";

    private RedisStateSnapshot? _snapshot;

    public RedisStateGauges(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ReHomeTelemetry.MeterName);
        meter.CreateObservableGauge(LiveStreamsName, () => Observe(s => s.LiveStreams), "{stream}", "Live streams (ai:seq:*); should trend to zero");
        meter.CreateObservableGauge(EndedStreamsName, () => Observe(s => s.EndedStreams), "{stream}", "Recently ended streams (ai:done:*), expiring by themselves");
        meter.CreateObservableGauge(StuckStreamsName, () => Observe(s => s.StuckStreams), "{stream}", "Live streams without a token for longer than Alerts:StuckAfter");
        meter.CreateObservableGauge(QueueDepthName, ObserveQueueDepth, "{job}", "Jobs waiting to be taken, by priority");
        meter.CreateObservableGauge(RedisMemoryName, () => Observe(s => s.RedisUsedMemoryBytes), "By", "Redis used_memory");
        meter.CreateObservableGauge(RedisOpsName, () => Observe(s => s.RedisOpsPerSecond), "{operation}/s", "Redis instantaneous_ops_per_sec");
        meter.CreateObservableGauge(RedisHitRatioName, ObserveHitRatio, "1", "Redis keyspace hits / (hits + misses); the runbook wants > 0.95");
    }

    public void Update(RedisStateSnapshot? snapshot) => Volatile.Write(ref _snapshot, snapshot);

    private IEnumerable<Measurement<long>> Observe(Func<RedisStateSnapshot, long> value) =>
        Volatile.Read(ref _snapshot) is { } snapshot ? [new Measurement<long>(value(snapshot))] : [];

    private IEnumerable<Measurement<long>> ObserveQueueDepth() =>
        Volatile.Read(ref _snapshot) is { } snapshot
            ? snapshot.QueueDepth.Select(depth => new Measurement<long>(depth.Value, new KeyValuePair<string, object?>("priority", depth.Key)))
            : [];

    private IEnumerable<Measurement<double>> ObserveHitRatio() =>
        Volatile.Read(ref _snapshot) is { KeyspaceHitRatio: { } ratio } ? [new Measurement<double>(ratio)] : [];
}
