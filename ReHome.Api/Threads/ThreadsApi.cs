using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReHome.Api.Http;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Threads;

namespace ReHome.Api.Threads;

internal sealed record CreateThreadRequest(string? Title);

/// <summary>
/// A thread. <see cref="Runs"/> holds the newest runs (at most <c>runsLimit</c>), oldest first; with
/// <see cref="HasMoreRuns"/>, <see cref="NextRunsCursor"/> passed as <c>runsBefore</c> reads the older ones.
/// </summary>
internal sealed record ThreadResponse(
    string Id, string? Title, DateTimeOffset CreatedAt, IReadOnlyList<RunView>? Runs, bool HasMoreRuns = false, string? NextRunsCursor = null)
{
    public static ThreadResponse From(AgentThread thread, IReadOnlyList<RunView>? runs) => new(thread.Id, thread.Title, thread.CreatedAt, runs);
}

internal static class ThreadsApi
{
    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/threads", CreateAsync)
            .RequireAuthorization()
            .AddEndpointFilter<ThreadCreationLimitFilter>()
            .WithTags("Threads");

        routes.MapThreadGroup("Threads").MapGet("/", GetAsync);
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

    /// <summary>The thread with a page of its runs: the newest <c>runsLimit</c>, or those before <c>runsBefore</c>.</summary>
    private static async Task<Results<Ok<ThreadResponse>, ValidationProblem>> GetAsync(
        string? runsLimit, string? runsBefore, HttpContext context, RunIndex runs, StreamLog streams, IOptions<ThreadOptions> options)
    {
        var limit = options.Value.RunsPageSize;
        if (runsLimit is not null && (!int.TryParse(runsLimit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ThreadOptions.MaxRunsPageSize))
        {
            return ApiProblems.Invalid("runsLimit", $"must be a whole number from 1 to {ThreadOptions.MaxRunsPageSize}");
        }

        RunsCursor? before = null;
        if (runsBefore is not null)
        {
            if (!RunsCursor.TryParse(runsBefore, out var cursor))
            {
                return ApiProblems.Invalid("runsBefore", "must be a nextRunsCursor this API returned");
            }

            before = cursor;
        }

        var thread = ThreadAccessFilter.Current(context);
        var page = await runs.ListPageAsync(thread.Id, before, limit);
        var states = await streams.GetStatesAsync(page.Runs.Select(run => run.Stream));
        var views = page.Runs.Select((run, i) => run.ToView(states[i].LastSeq)).ToArray();
        return TypedResults.Ok(ThreadResponse.From(thread, views) with { HasMoreRuns = page.HasMore, NextRunsCursor = page.Next?.ToString() });
    }
}
