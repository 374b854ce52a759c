using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using ReHome.Streaming.Auth;
using ReHome.Streaming.RateLimiting;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// Runs around every hub method. A coded refusal (<see cref="HubErrors"/>) is the client's doing: it is
/// logged at Debug, not as an error (SignalR's own error entry for it is dropped by
/// <see cref="HubRefusalLogSampler"/>), and counted against the caller's
/// <see cref="HubRefusalLimiter"/>; a caller with no refusals left is answered <c>rate_limited</c>
/// before the method runs. Any other exception passes untouched and SignalR logs it as an error.
/// </summary>
internal sealed class HubRefusalFilter(HubRefusalLimiter limiter, ILogger<HubRefusalFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        // Every hub call is authenticated ([Authorize]); the connection id is only a fallback.
        var caller = UserIds.Of(invocation.Context.User) ?? invocation.Context.ConnectionId;
        var decision = limiter.Check(caller);
        if (!decision.IsAllowed)
        {
            HubLog.RefusedTooOften(logger, invocation.HubMethodName, caller);
            throw HubErrors.TooManyRefusals(decision);
        }

        try
        {
            return await next(invocation);
        }
        catch (HubException refusal) when (HubErrors.CodeOf(refusal) is { } code)
        {
            HubLog.Refused(logger, invocation.HubMethodName, caller, code, refusal.Message);
            if (code != HubErrors.RateLimitedCode)
            {
                limiter.Record(caller);
            }

            throw;
        }
    }
}
