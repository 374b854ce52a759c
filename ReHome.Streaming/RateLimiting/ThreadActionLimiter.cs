using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// A sliding-window limit per thread, counted in Redis with Redis's clock, so every API replica
/// shares one count and the (N+1)th action within any window is refused wherever it lands.
/// </summary>
public sealed class ThreadActionLimiter(IConnectionMultiplexer redis, IOptions<ThreadActionLimitOptions> options)
{
    // KEYS: the thread's window. ARGV: window (ms), limit, unique member. Returns { allowed, retryAfterMs }.
    private const string Acquire = """
        local now = redis.call('TIME')
        local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        local window = tonumber(ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - window)
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], nowMs, ARGV[3])
          redis.call('PEXPIRE', KEYS[1], window)
          return { 1, 0 }
        end
        local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
        return { 0, tonumber(oldest[2]) + window - nowMs }
        """;

    public async Task<RateLimitDecision> TryAcquireAsync(string threadId)
    {
        var settings = options.Value;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            Acquire,
            [Keys.ThreadActions(threadId)],
            [(long)settings.Window.TotalMilliseconds, settings.ActionsPerWindow, Guid.NewGuid().ToString("N")]))!;

        return (long)result[0] == 1
            ? RateLimitDecision.Allowed
            : RateLimitDecision.Refused(TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])));
    }
}

/// <summary>Whether an action may go ahead, and if not, when to try again.</summary>
public readonly record struct RateLimitDecision(bool IsAllowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allowed => new(true, TimeSpan.Zero);

    public static RateLimitDecision Refused(TimeSpan retryAfter) => new(false, retryAfter);

    /// <summary>Whole seconds for a <c>Retry-After</c> header, rounded up, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
