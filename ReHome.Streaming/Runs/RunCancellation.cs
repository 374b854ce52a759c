using Microsoft.Extensions.Logging;
using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>
/// A user's stop. A run still queued is cancelled on the spot (no worker needs to see it). A running
/// run's stop is recorded in Redis (a worker that takes the job later still sees it) and published,
/// so the worker generating it stops within moments and ends the stream <c>cancelled</c>.
/// </summary>
public sealed partial class RunCancellation(
    IConnectionMultiplexer redis, RunStore runs, StreamingService streaming, RunEvents events, ILogger<RunCancellation> logger)
{
    public const string UserReason = "stopped by the user";

    /// <summary>How long a stop request is remembered; longer than any run waits in the queue.</summary>
    public static readonly TimeSpan RequestRetention = TimeSpan.FromDays(1);

    public async Task RequestAsync(AgentRun run)
    {
        var database = redis.GetDatabase();
        await database.StringSetAsync(Keys.CancelRequest(run.Id), "1", RequestRetention);
        await database.PublishAsync(Channels.CancelRequests, run.Id);
        Log.Requested(logger, run.Id);

        if (await runs.TransitionAsync(run.Id, RunStatuses.Cancelled, UserReason, from: RunStatuses.Queued))
        {
            await streaming.CancelAsync(run.Stream, run.Id, UserReason);
            await events.PublishAsync(run.Id);
        }
    }

    public async Task<bool> IsRequestedAsync(string runId) =>
        await redis.GetDatabase().KeyExistsAsync(Keys.CancelRequest(runId));

    private static partial class Log
    {
        [LoggerMessage(201, LogLevel.Information, "Run {RunId}: stop requested")]
        public static partial void Requested(ILogger logger, string runId);
    }
}
