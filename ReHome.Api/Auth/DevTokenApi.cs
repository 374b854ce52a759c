using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using ReHome.Api.ApiDocs;
using ReHome.Streaming;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

internal sealed record DevTokenRequest(string? UserId);

internal sealed record DevTokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

internal static class DevTokenApi
{
    /// <summary>
    /// <c>POST /api/dev/token</c>: a token for any user id, for local development and tests. Mapped
    /// only while <c>Auth:DevTokens:Enabled</c> (by default in Development); otherwise it is a 404.
    /// </summary>
    public static IEndpointRouteBuilder MapDevTokenApi(this IEndpointRouteBuilder routes)
    {
        if (routes.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value.DevTokens.Enabled is true)
        {
            routes.MapPost("/api/dev/token", IssueToken)
                .AllowAnonymous()
                .WithTags("Development")
                .WithName("IssueDevToken")
                .WithSummary("Issue a development token")
                .WithDescription("A bearer token for any user id, for local development and tests. Mapped only while Auth:DevTokens:Enabled (by default in Development); otherwise 404.")
                .ProducesBodyProblems();
        }

        return routes;
    }

    private static Results<Ok<DevTokenResponse>, ValidationProblem> IssueToken(DevTokenRequest request, AccessTokenIssuer issuer)
    {
        if (!Ids.IsValid(request.UserId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["userId"] = [$"must match {Ids.Pattern}"] });
        }

        var (accessToken, expiresAt) = issuer.Issue(request.UserId!);
        return TypedResults.Ok(new DevTokenResponse(accessToken, expiresAt));
    }
}
