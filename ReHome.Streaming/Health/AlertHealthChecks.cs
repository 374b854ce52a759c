using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Telemetry;

namespace ReHome.Streaming.Health;

/// <summary>"High error rate": more errors in this process than <see cref="AlertOptions.MaxErrors"/> within the window.</summary>
internal sealed class ErrorRateHealthCheck(ErrorRate errors, IOptions<AlertOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (count, limit, window) = (errors.CountInWindow(), options.Value.MaxErrors, options.Value.ErrorWindow);
        return Task.FromResult(count > limit
            ? HealthCheckResult.Degraded($"{count} errors in the last {window.TotalMinutes:0.#} min, above {limit} (Alerts:MaxErrors)")
            : HealthCheckResult.Healthy($"{count} errors in the last {window.TotalMinutes:0.#} min"));
    }
}

/// <summary>"Redis memory &gt; 1 GB".</summary>
internal sealed class RedisMemoryHealthCheck(RedisState redis, IOptions<AlertOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (used, limit) = ((await redis.ReadInfoAsync()).UsedMemoryBytes, options.Value.MaxRedisMemoryBytes);
        return used > limit
            ? HealthCheckResult.Degraded($"Redis uses {used / 1_048_576.0:0} MiB, above {limit / 1_048_576.0:0} MiB (Alerts:MaxRedisMemoryBytes)")
            : HealthCheckResult.Healthy($"Redis uses {used / 1_048_576.0:0.#} MiB");
    }
}

/// <summary>"Many pending sequences (possible leak)": more live streams than <see cref="AlertOptions.MaxLiveSequences"/>.</summary>
internal sealed class LiveSequencesHealthCheck(RedisState redis, IOptions<AlertOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (live, limit) = (await redis.LiveStreamsAsync(), options.Value.MaxLiveSequences);
        return live > limit
            ? HealthCheckResult.Degraded($"{live} live sequences (ai:seq:*), above {limit} (Alerts:MaxLiveSequences)")
            : HealthCheckResult.Healthy($"{live} live sequences");
    }
}

/// <summary>"Check for stuck sequences": any live stream idle longer than <see cref="AlertOptions.StuckAfter"/>.</summary>
internal sealed class StuckStreamsHealthCheck(RedisState redis, IOptions<AlertOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stuck = await redis.StuckStreamsAsync();
        return stuck > 0
            ? HealthCheckResult.Degraded($"{stuck} stream(s) without a token for over {options.Value.StuckAfter.TotalSeconds:0} s (Alerts:StuckAfter): the reaper aborts those no unfinished run owns; the others wait for a worker to take their run")
            : HealthCheckResult.Healthy("no stuck streams");
    }
}

/// <summary>
/// Redis must not evict keys: a <c>maxmemory-policy</c> other than <c>noeviction</c> silently drops stream
/// logs, sequence counters and queued jobs when memory fills (Sidekiq warns the same way).
/// </summary>
internal sealed class MaxMemoryPolicyHealthCheck(RedisState redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var policy = await redis.MaxMemoryPolicyAsync();
        return policy is null or RedisState.NoEviction
            ? HealthCheckResult.Healthy($"Redis maxmemory-policy is {policy ?? "not reported"}")
            : HealthCheckResult.Degraded(EvictionPolicy.Problem(policy));
    }
}
