using Microsoft.AspNetCore.Http.HttpResults;
using ReHome.Streaming;
using ReHome.Streaming.RateLimiting;

namespace ReHome.Api.Http;

/// <summary>The client errors the API answers with, as RFC 7807 problem details.</summary>
internal static class ApiProblems
{
    public static ValidationProblem Invalid(string field, string rule) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [rule] });

    public static ValidationProblem InvalidId(string field) => Invalid(field, $"must match {Ids.Pattern}");

    /// <summary>Missing and not-yours read the same, so a thread's existence does not leak.</summary>
    public static ProblemHttpResult ThreadNotFound() =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Thread not found", detail: "The thread does not exist or is not yours.");

    public static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);

    public static ProblemHttpResult RateLimited(HttpContext context, RateLimitDecision decision, string title = "Too many actions on this thread")
    {
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: title,
            detail: $"Retry after {decision.RetryAfterSeconds} s.");
    }
}
