using Microsoft.AspNetCore.Http.HttpResults;
using ReHome.Api.Http;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Threads;

namespace ReHome.Api.Threads;

internal sealed record CreateThreadRequest(string? Title);

internal sealed record ThreadResponse(string Id, string? Title, DateTimeOffset CreatedAt, IReadOnlyList<RunView>? Runs)
{
    public static ThreadResponse From(AgentThread thread, IReadOnlyList<RunView>? runs) => new(thread.Id, thread.Title, thread.CreatedAt, runs);
}

internal static class ThreadsApi
{
    public static IEndpointRouteBuilder MapThreadsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/threads", CreateAsync)
            .RequireAuthorization()
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

    private static async Task<Ok<ThreadResponse>> GetAsync(HttpContext context, RunStore runs, StreamLog streams)
    {
        var thread = ThreadAccessFilter.Current(context);
        var views = new List<RunView>();
        foreach (var run in await runs.ListForThreadAsync(thread.Id))
        {
            views.Add(run.ToView((await streams.GetStateAsync(run.Stream)).LastSeq));
        }

        return TypedResults.Ok(ThreadResponse.From(thread, views));
    }
}
