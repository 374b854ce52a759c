using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using ReHome.Streaming.Hubs;

namespace ReHome.Api.Auth;

internal static class HubAccessToken
{
    /// <summary>
    /// Takes the token from the query on the hub (browsers cannot set headers on WebSockets, so SignalR
    /// clients send it there) and leaves a token to the other scheme when its (unverified) issuer says it is
    /// the other scheme's: each token is then checked, and a failure logged, by the scheme it belongs to.
    /// </summary>
    public static Task Read(MessageReceivedContext context, Func<string?, bool> isMine)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments(HubPaths.Agent)
            && context.Request.Query["access_token"] is { Count: > 0 } query)
        {
            context.Token = query;
        }

        var token = context.Token ?? BearerToken(context.Request.Headers.Authorization.ToString());
        if (token is not null && !isMine(IssuerOf(token)))
        {
            context.NoResult();
        }

        return Task.CompletedTask;
    }

    private static string? BearerToken(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;

    /// <summary>The token's <c>iss</c>, read without validation; null when it is not a readable JWT (the scheme then refuses it).</summary>
    private static string? IssuerOf(string token)
    {
        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
