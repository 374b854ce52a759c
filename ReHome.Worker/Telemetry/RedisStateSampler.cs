using Microsoft.Extensions.Options;
using ReHome.Streaming.Health;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Telemetry;
using ReHome.Worker.Heartbeat;
using StackExchange.Redis;

namespace ReHome.Worker.Telemetry;

/// <summary>
/// Reads Redis-wide state for the gauges every few seconds — in one worker only: workers compete for
/// a short lease in Redis, and the holder samples while the others stay quiet.
/// </summary>
internal sealed partial class RedisStateSampler(
    IConnectionMultiplexer redis,
    RedisState state,
    RedisStateGauges gauges,
    WorkerIdentity identity,
    IOptions<RedisStateSamplerOptions> options,
    IOptions<QueueOptions> queue,
    StreamingMetrics metrics,
    TimeProvider time,
    ILogger<RedisStateSampler> logger) : BackgroundService
{
    // KEYS: lease. ARGV: holder, ttl (ms). Takes a free lease or renews one's own; 1 when held.
    private const string HoldLease = """
        local holder = redis.call('GET', KEYS[1])
        if holder and holder ~= ARGV[1] then return 0 end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var leaseMs = (long)(interval.TotalMilliseconds * 3);
                var held = (long)await redis.GetDatabase().ScriptEvaluateAsync(HoldLease, [StreamNames.Keys.SamplerLease], [identity.Id, leaseMs]) == 1;
                gauges.Update(held ? await SampleAsync() : null);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Gauges go quiet rather than the worker stopping.
                gauges.Update(null);
                metrics.Error("telemetry");
                Log.SampleFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private async Task<RedisStateSnapshot> SampleAsync()
    {
        var info = await state.ReadInfoAsync();
        var depth = new Dictionary<string, long>();
        foreach (var priority in RunPriorities.InOrder)
        {
            depth[priority] = await WaitingJobsAsync(StreamNames.Keys.Queue(queue.Value.Name, priority));
        }

        return new RedisStateSnapshot(
            time.GetUtcNow(), await state.LiveStreamsAsync(), await state.EndedStreamsAsync(), await state.StuckStreamsAsync(),
            depth, info.UsedMemoryBytes, info.OpsPerSecond, info.KeyspaceHitRatio);
    }

    /// <summary>Jobs not yet delivered to any worker: the group's lag, or the whole stream before any worker joined.</summary>
    private async Task<long> WaitingJobsAsync(string key)
    {
        var database = redis.GetDatabase();
        if (!await database.KeyExistsAsync(key))
        {
            return 0;
        }

        var group = (await database.StreamGroupInfoAsync(key)).FirstOrDefault(g => g.Name == QueueOptions.ConsumerGroup);
        return group.Name is null ? await database.StreamLengthAsync(key) : group.Lag ?? 0;
    }

    private static partial class Log
    {
        [LoggerMessage(400, LogLevel.Warning, "Telemetry: could not read Redis state for the gauges")]
        public static partial void SampleFailed(ILogger logger, Exception exception);
    }
}
