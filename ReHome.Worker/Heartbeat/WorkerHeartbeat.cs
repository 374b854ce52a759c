using Microsoft.Extensions.Options;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Redis;
using StackExchange.Redis;

namespace ReHome.Worker.Heartbeat;

/// <summary>
/// Marks this worker alive in Redis every few seconds (a key that expires after missed beats), so
/// operators and other workers can see which workers run.
/// </summary>
internal sealed partial class WorkerHeartbeat(
    IConnectionMultiplexer redis,
    WorkerIdentity identity,
    IOptions<HeartbeatOptions> options,
    TimeProvider time,
    ILogger<WorkerHeartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        var expiry = interval * options.Value.MissedBeatsBeforeExpiry;
        var key = StreamNames.Keys.WorkerHeartbeat(identity.Id);
        Log.Started(logger, identity.Id, interval);

        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                var beat = $"{identity.StartedAt.ToUnixTimeMilliseconds()} {time.GetUtcNow().ToUnixTimeMilliseconds()}";
                await redis.GetDatabase().StringSetAsync(key, beat, expiry);
            }
            catch (Exception exception) when (RedisFaults.IsTransient(exception))
            {
                // Redis is down or restarting: the multiplexer reconnects; keep beating.
                Log.BeatFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) is true);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().KeyDeleteAsync(StreamNames.Keys.WorkerHeartbeat(identity.Id));
        }
        catch (Exception exception) when (RedisFaults.IsTransient(exception))
        {
            Log.BeatFailed(logger, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Worker {WorkerId} started; heartbeat every {Interval}")]
        public static partial void Started(ILogger logger, string workerId, TimeSpan interval);

        [LoggerMessage(2, LogLevel.Warning, "Worker heartbeat could not be written to Redis")]
        public static partial void BeatFailed(ILogger logger, Exception exception);
    }
}
