using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReHome.Streaming.Redis;

namespace ReHome.Streaming.Health;

/// <summary>
/// Reads Redis's <c>maxmemory-policy</c> once at start and warns in the log when it is not
/// <c>noeviction</c>. In the background: a Redis that is away at start delays the warning, not the start.
/// </summary>
internal sealed partial class EvictionPolicyStartupCheck(RedisState redis, TimeProvider time, ILogger<EvictionPolicyStartupCheck> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var policy = await redis.MaxMemoryPolicyAsync();
                if (policy is not null and not RedisState.NoEviction)
                {
                    Log.EvictingPolicy(logger, EvictionPolicy.Problem(policy));
                }

                return;
            }
            catch (Exception exception) when (RedisFaults.IsTransient(exception) || exception is InvalidOperationException)
            {
                // Not connected yet (no server to ask) or Redis is away: ask again shortly.
                await Task.Delay(RetryDelay, time, stoppingToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(730, LogLevel.Warning, "Alerts: {Problem}")]
        public static partial void EvictingPolicy(ILogger logger, string problem);
    }
}
