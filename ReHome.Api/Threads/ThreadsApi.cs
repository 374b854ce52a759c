using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReHome.Api.ApiDocs;
using ReHome.Api.Http;
using ReHome.Contracts;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Threads;

namespace ReHome.Api.Threads;

internal sealed record CreateThreadRequest(string? Title);

/// <summary>
/// A thread. <c>runs</c> holds the newest runs (at most <c>runsLimit</c>), oldest first; with
/// <c>hasMoreRuns</c>, <c>nextRunsCursor</c> passed as <c>runsBefore</c> reads the older ones.
/// </summary>
internal sealed record ThreadResponse(
    string Id, string? Title, DateTimeOffset CreatedAt, IReadOnlyList<RunView>? Runs, bool HasMoreRuns = false, string? NextRunsCursor = null)
{
    public static ThreadResponse From(AgentThread thread, IReadOnlyList<RunView>? runs) => new(thread.Id, thread.Title, thread.CreatedAt, runs);
}

/// <summary>A thread as a listing shows it: without its runs.</summary>
internal sealed record ThreadSummary(string Id, string? Title, DateTimeOffset CreatedAt);

/// <summary>
/// A page of the caller's threads, newest first; with <c>hasMore</c>, <c>nextCursor</c>
/// passed as <c>before</c> reads the older ones.
/// </summary>
internal sealed record ThreadListResponse(IReadOnlyList<ThreadSummary> Threads, bool HasMore, string? NextCursor);

internal static class ThreadsApi
{
    public const int DefaultListLimit = 50;
    public const int MaxListLimit = 500;

    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/threads", CreateAsync)
            .RequireAuthorization()
            .AddEndpointFilter<ThreadCreationLimitFilter>()
            .WithTags("Threads")
            .WithName("CreateThread")
            .WithSummary("Create a thread")
            .WithDescription("A new thread owned by the caller, with no runs. Over Threads:MaxCreatedPerUser per Threads:CreationWindow: 429 with Retry-After.")
            .ProducesAuthProblems()
            .ProducesBodyProblems()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        routes.MapGet("/api/threads", ListAsync)
            .RequireAuthorization()
            .WithTags("Threads")
            .WithName("ListThreads")
            .WithSummary("List the caller's threads")
            .WithDescription($"The caller's threads, newest first, at most limit (1 to {MaxListLimit}, default {DefaultListLimit}). While hasMore, nextCursor passed as before reads the next older page.")
            .ProducesAuthProblems();

        routes.MapThreadGroup("Threads").MapGet("/", GetAsync)
            .WithName("GetThread")
            .WithSummary("Get a thread with a page of its runs")
            .WithDescription($"The thread and its newest runs, at most runsLimit (1 to {ThreadOptions.MaxRunsPageSize}, default Threads:RunsPageSize), oldest first within the page, each finished run with its output. While hasMoreRuns, nextRunsCursor passed as runsBefore reads the next older page. A thread that does not exist and one of another user both answer 404.");
        return routes;
    }

    private static async Task<Results<Created<ThreadResponse>, ValidationProblem>> CreateAsync(
        CreateThreadRequest? request, HttpContext context, ThreadStore threads)
    {
        var title = request?.Title?.Trim();
        if (title is { Length: > ThreadStore.MaxTitleLength })
        {
            return ApiProblems.Invalid("title", $"must be at most {ThreadStore.MaxTitleLength} characters");
        }

        var thread = await threads.CreateAsync(UserIds.Of(context.User)!, title);
        return TypedResults.Created($"/api/threads/{thread.Id}", ThreadResponse.From(thread, runs: []));
    }

    /// <summary>The caller's threads, newest first: the newest <c>limit</c>, or those created before the cursor <c>before</c>.</summary>
    private static async Task<Results<Ok<ThreadListResponse>, ValidationProblem>> ListAsync(
        string? limit, string? before, HttpContext context, ThreadIndex threads)
    {
        if (PageQuery.TryReadLimit(limit, "limit", DefaultListLimit, MaxListLimit, out var pageSize) is { } badLimit)
        {
            return badLimit;
        }

        if (PageQuery.TryReadCursor(before, "before", "nextCursor", out var cursor) is { } badCursor)
        {
            return badCursor;
        }

        var page = await threads.ListPageAsync(UserIds.Of(context.User)!, cursor, pageSize);
        var summaries = page.Items.Select(thread => new ThreadSummary(thread.Id, thread.Title, thread.CreatedAt)).ToArray();
        return TypedResults.Ok(new ThreadListResponse(summaries, page.HasMore, page.Next?.ToString()));
    }

    /// <summary>The thread with a page of its runs: the newest <c>runsLimit</c>, or those before <c>runsBefore</c>.</summary>
    private static async Task<Results<Ok<ThreadResponse>, ValidationProblem>> GetAsync(
        string? runsLimit, string? runsBefore, HttpContext context, RunIndex runs, StreamLog streams, IOptions<ThreadOptions> options)
    {
        if (PageQuery.TryReadLimit(runsLimit, "runsLimit", options.Value.RunsPageSize, ThreadOptions.MaxRunsPageSize, out var limit) is { } badLimit)
        {
            return badLimit;
        }

        if (PageQuery.TryReadCursor(runsBefore, "runsBefore", "nextRunsCursor", out var before) is { } badCursor)
        {
            return badCursor;
        }

        var thread = ThreadAccessFilter.Current(context);
        var page = await runs.ListPageAsync(thread.Id, before, limit);
        var states = await streams.GetStatesAsync(page.Runs.Select(run => run.Stream));
        var outputs = await streams.GetOutputsAsync(page.Runs.Select(run => (run.Stream, run.Id)));
        var views = page.Runs.Select((run, i) => run.ToView(states[i].LastSeq, outputs[i])).ToArray();
        return TypedResults.Ok(ThreadResponse.From(thread, views) with { HasMoreRuns = page.HasMore, NextRunsCursor = page.Next?.ToString() });
    }
}
