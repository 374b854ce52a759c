using Microsoft.Extensions.Options;
using ReHome.Streaming.Threads;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// The per-user limit on creating threads (<c>Threads:MaxCreatedPerUser</c> per
/// <c>Threads:CreationWindow</c>, a <see cref="SlidingWindow"/> shared by every API replica): a thread
/// lives on in Redis, so one user must not be able to create them without end.
/// </summary>
public sealed class ThreadCreationLimiter(IConnectionMultiplexer redis, IOptions<ThreadOptions> options)
{
    public Task<RateLimitDecision> TryAcquireAsync(string userId) =>
        SlidingWindow.TryAcquireAsync(redis.GetDatabase(), Keys.UserThreadCreations(userId), options.Value.CreationWindow, options.Value.MaxCreatedPerUser);
}
