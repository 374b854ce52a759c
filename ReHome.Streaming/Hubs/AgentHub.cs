using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ReHome.Contracts;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Naming;
using ReHome.Streaming.RateLimiting;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using ReHome.Streaming.Threads;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// The browser-facing hub at <see cref="HubPaths.Agent"/>. Stream events reach subscribers through
/// the thread feeds (<see cref="ThreadFeed"/>); run updates are sent through
/// <c>IHubContext&lt;AgentHub&gt;</c> and the Redis backplane, by the worker too, so this type lives in the shared library.
/// Every method checks that the caller owns the thread before anything else: a group name is not
/// a security boundary.
/// </summary>
[Authorize]
public sealed class AgentHub(
    ThreadStore threads,
    StreamLog streams,
    RunStore runs,
    RunIndex runIndex,
    IOptions<ThreadOptions> threadOptions,
    ThreadActionLimiter limiter,
    RunCancellation cancellation,
    ThreadFeed feed,
    StreamingMetrics metrics) : Hub
{
    public override Task OnConnectedAsync()
    {
        metrics.HubConnected();
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics.HubDisconnected();
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Joins the thread's group and reports its streams with their last seq and epoch, so the client
    /// knows what to replay, and its newest runs (a page of <c>Threads:RunsPageSize</c>) as they stand,
    /// so a lost run update is caught up.
    /// </summary>
    public async Task<SubscribeResult> Subscribe(string threadId)
    {
        var thread = await AuthorizeAsync(threadId);
        // Join before listing: a token sent after the listing is then either in the listing's
        // lastSeq (and replayable) or delivered live — never neither.
        await Groups.AddToGroupAsync(Context.ConnectionId, StreamNames.Groups.Thread(thread.Id), Context.ConnectionAborted);
        await feed.JoinAsync(Context.ConnectionId, thread.Id);
        var streamList = await threads.ListStreamsAsync(thread.Id);
        var lastSeqs = streamList.ToDictionary(summary => summary.StreamId, summary => summary.LastSeq);
        var newest = await runIndex.ListPageAsync(thread.Id, before: null, threadOptions.Value.RunsPageSize);
        var runViews = newest.Runs.Select(run => run.ToView(lastSeqs.GetValueOrDefault(run.StreamId))).ToArray();
        return new SubscribeResult(thread.Id, streamList, runViews);
    }

    public async Task Unsubscribe(string threadId)
    {
        if (!Ids.IsValid(threadId))
        {
            throw HubErrors.InvalidId(nameof(threadId));
        }

        await Groups.RemoveFromGroupAsync(Context.ConnectionId, StreamNames.Groups.Thread(threadId), Context.ConnectionAborted);
        await feed.LeaveAsync(Context.ConnectionId, threadId);
    }

    /// <summary>
    /// Streams every token of the stream's log with seq greater than <paramref name="afterSeq"/>, in order, then completes.
    /// The checks run before the stream starts, so a refusal is the invocation's error (and passes <see cref="HubRefusalFilter"/>).
    /// </summary>
    public async Task<IAsyncEnumerable<TokenEvent>> Replay(string threadId, string streamId, long afterSeq)
    {
        if (!Ids.IsValid(streamId))
        {
            throw HubErrors.InvalidId(nameof(streamId));
        }

        if (afterSeq < 0)
        {
            throw HubErrors.Invalid(nameof(afterSeq), "must be 0 or more");
        }

        var thread = await AuthorizeAsync(threadId);
        // SignalR passes the invocation's cancellation to the enumerator.
        return streams.ReplayAsync(new StreamRef(thread.Id, streamId), afterSeq);
    }

    /// <summary>The user pressed stop: the request is recorded and published to the worker running the run.</summary>
    public async Task Cancel(string threadId, string runId)
    {
        if (!Ids.IsValid(runId))
        {
            throw HubErrors.InvalidId(nameof(runId));
        }

        var thread = await AuthorizeAsync(threadId);
        var run = await runs.GetAsync(runId);
        if (run is null || run.ThreadId != thread.Id)
        {
            throw HubErrors.Forbidden();
        }

        await cancellation.RequestAsync(run);
    }

    private async Task<AgentThread> AuthorizeAsync(string threadId)
    {
        if (!Ids.IsValid(threadId))
        {
            throw HubErrors.InvalidId(nameof(threadId));
        }

        var userId = UserIds.Of(Context.User) ?? throw HubErrors.Forbidden();
        var thread = await threads.GetOwnedAsync(threadId, userId) ?? throw HubErrors.Forbidden();

        // Counted only for the owner, so nobody can exhaust someone else's thread.
        var decision = await limiter.TryAcquireAsync(thread.Id);
        return decision.IsAllowed ? thread : throw HubErrors.RateLimited(decision);
    }
}
