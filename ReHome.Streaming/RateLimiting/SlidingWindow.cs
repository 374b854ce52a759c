using StackExchange.Redis;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// A sliding-window count in Redis, with Redis's clock, so every API replica shares one count and the
/// (N+1)th action within any window is refused wherever it lands. The limiters differ only in their key.
/// </summary>
internal static class SlidingWindow
{
    // KEYS: the window. ARGV: window (ms), limit, unique member. Returns { allowed, retryAfterMs }.
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

    public static async Task<RateLimitDecision> TryAcquireAsync(IDatabase database, RedisKey window, TimeSpan length, int limit)
    {
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(
            Acquire, [window], [(long)length.TotalMilliseconds, limit, Guid.NewGuid().ToString("N")]))!;

        return (long)result[0] == 1
            ? RateLimitDecision.Allowed
            : RateLimitDecision.Refused(TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])));
    }
}
