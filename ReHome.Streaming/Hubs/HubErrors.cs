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

    public static HubException TooManyRefusals(RateLimitDecision decision) =>
        new($"{RateLimitedCode}: too many refused calls; retry after {decision.RetryAfterSeconds} s");

    public static HubException InvalidId(string argument) =>
        new($"{InvalidArgumentCode}: {argument} must match {Ids.Pattern}");

    public static HubException Invalid(string argument, string rule) => new($"{InvalidArgumentCode}: {argument} {rule}");

    public static HubException ArgumentsDoNotBind(string method) =>
        new($"{InvalidArgumentCode}: the arguments do not fit {method} (their number, or a value's type or range)");

    /// <summary>The code of a refusal made here, or null for any other exception (a failure of the server).</summary>
    public static string? CodeOf(Exception? exception) =>
        exception is HubException { Message: var message }
            ? Array.Find(Codes, code => message.Length > code.Length && message.StartsWith(code, StringComparison.Ordinal) && message[code.Length] == ':')
            : null;

    private static readonly string[] Codes = [ForbiddenCode, RateLimitedCode, InvalidArgumentCode];
}
