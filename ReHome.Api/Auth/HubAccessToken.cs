using Microsoft.AspNetCore.Authentication.JwtBearer;
using ReHome.Streaming.Hubs;

namespace ReHome.Api.Auth;

internal static class HubAccessToken
{
    /// <summary>Browsers cannot set headers on WebSockets, so SignalR clients send the token in the query.</summary>
    public static Task FromQuery(MessageReceivedContext context)
    {
        if (context.HttpContext.Request.Path.StartsWithSegments(HubPaths.Agent)
            && context.Request.Query["access_token"] is { Count: > 0 } token)
        {
            context.Token = token;
        }

        return Task.CompletedTask;
    }
}
