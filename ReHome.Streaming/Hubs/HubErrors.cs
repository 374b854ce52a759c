using Microsoft.AspNetCore.SignalR;
using ReHome.Streaming.RateLimiting;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// Hub errors clients can act on: the message starts with a stable code (<c>forbidden</c>,
/// <c>rate_limited</c>, <c>invalid_argument</c>), then a sentence for people.
/// </summary>
public static class HubErrors
{
    public const string ForbiddenCode = "forbidden";
    public const string RateLimitedCode = "rate_limited";
    public const string InvalidArgumentCode = "invalid_argument";

    /// <summary>Missing and not-yours read the same, so a thread's existence does not leak.</summary>
    public static HubException Forbidden() => new($"{ForbiddenCode}: the thread does not exist or is not yours");

    public static HubException RateLimited(RateLimitDecision decision) =>
        new($"{RateLimitedCode}: too many actions on this thread; retry after {decision.RetryAfterSeconds} s");

    public static HubException InvalidId(string argument) =>
        new($"{InvalidArgumentCode}: {argument} must match {Ids.Pattern}");

    public static HubException Invalid(string argument, string rule) => new($"{InvalidArgumentCode}: {argument} {rule}");
}
