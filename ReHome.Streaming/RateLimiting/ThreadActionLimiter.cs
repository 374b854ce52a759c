using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.RateLimiting;

/// <summary>A sliding-window limit per thread (<see cref="SlidingWindow"/>), shared by every API replica.</summary>
public sealed class ThreadActionLimiter(IConnectionMultiplexer redis, IOptions<ThreadActionLimitOptions> options)
{
    public Task<RateLimitDecision> TryAcquireAsync(string threadId) =>
        SlidingWindow.TryAcquireAsync(redis.GetDatabase(), Keys.ThreadActions(threadId), options.Value.Window, options.Value.ActionsPerWindow);
}

/// <summary>Whether an action may go ahead, and if not, when to try again.</summary>
public readonly record struct RateLimitDecision(bool IsAllowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allowed => new(true, TimeSpan.Zero);

    public static RateLimitDecision Refused(TimeSpan retryAfter) => new(false, retryAfter);

    /// <summary>Whole seconds for a <c>Retry-After</c> header, rounded up, at least 1.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
