using ReHome.Api.Http;
using ReHome.Streaming.Auth;
using ReHome.Streaming.RateLimiting;

namespace ReHome.Api.Threads;

/// <summary>Guards <c>POST /api/threads</c>: a user over <c>Threads:MaxCreatedPerUser</c> gets 429 with Retry-After.</summary>
internal sealed class ThreadCreationLimitFilter(ThreadCreationLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (UserIds.Of(http.User) is { } userId && await limiter.TryAcquireAsync(userId) is { IsAllowed: false } decision)
        {
            return ApiProblems.RateLimited(http, decision, "Too many threads created");
        }

        return await next(context);
    }
}
