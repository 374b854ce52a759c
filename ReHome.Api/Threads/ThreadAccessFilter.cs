using ReHome.Api.ApiDocs;
using ReHome.Api.Http;
using ReHome.Streaming;
using ReHome.Streaming.Auth;
using ReHome.Streaming.RateLimiting;
using ReHome.Streaming.Threads;

namespace ReHome.Api.Threads;

/// <summary>
/// Guards every route under <c>/api/threads/{threadId}</c>: the id is well formed (else 400), the
/// thread exists and is the caller's (else 404, the same answer for both), and the thread is under its
/// action limit (else 429 with Retry-After). The handler then finds the thread with <see cref="Current"/>.
/// </summary>
internal sealed class ThreadAccessFilter(ThreadStore threads, ThreadActionLimiter limiter) : IEndpointFilter
{
    private static readonly object ItemKey = new();

    public static AgentThread Current(HttpContext context) =>
        context.Items[ItemKey] as AgentThread ?? throw new InvalidOperationException($"{nameof(ThreadAccessFilter)} did not run for this endpoint.");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var threadId = http.GetRouteValue("threadId") as string;
        if (!Ids.IsValid(threadId))
        {
            return ApiProblems.InvalidId("threadId");
        }

        if (UserIds.Of(http.User) is not { } userId || await threads.GetOwnedAsync(threadId!, userId) is not { } thread)
        {
            return ApiProblems.ThreadNotFound();
        }

        var decision = await limiter.TryAcquireAsync(thread.Id);
        if (!decision.IsAllowed)
        {
            return ApiProblems.RateLimited(http, decision);
        }

        http.Items[ItemKey] = thread;
        return await next(context);
    }
}

internal static class ThreadRoutes
{
    /// <summary>
    /// The authorised, owner-checked, rate-limited route group of one thread, with the answers of
    /// <see cref="ThreadAccessFilter"/> declared for the OpenAPI document: 400, 401, 404 (another user's thread too), 429.
    /// </summary>
    public static RouteGroupBuilder MapThreadGroup(this IEndpointRouteBuilder routes, string tag) =>
        routes.MapGroup("/api/threads/{threadId}")
            .RequireAuthorization()
            .AddEndpointFilter<ThreadAccessFilter>()
            .WithTags(tag)
            .ProducesValidationProblem()
            .ProducesAuthProblems()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
