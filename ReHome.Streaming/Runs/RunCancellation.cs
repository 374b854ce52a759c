using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>
/// A user's stop request for a run, recorded in Redis (so a worker that picks the run up later
/// still sees it) and published (so the worker running it stops within moments).
/// </summary>
public sealed class RunCancellation(IConnectionMultiplexer redis)
{
    /// <summary>How long a stop request is remembered; longer than any run waits in the queue.</summary>
    public static readonly TimeSpan RequestRetention = TimeSpan.FromDays(1);

    public async Task RequestAsync(string runId)
    {
        var database = redis.GetDatabase();
        await database.StringSetAsync(Keys.CancelRequest(runId), "1", RequestRetention);
        await database.PublishAsync(Channels.CancelRequests, runId);
    }

    public async Task<bool> IsRequestedAsync(string runId) =>
        await redis.GetDatabase().KeyExistsAsync(Keys.CancelRequest(runId));
}
