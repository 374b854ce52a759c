using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;

namespace ReHome.Api.Auth;

/// <summary>
/// This process's hub connections authenticated by an identity provider's token, with the id of the
/// provider's key that signed it, kept by a hub filter so <see cref="ProviderKeyRevocation"/> can
/// close those whose key the provider no longer publishes.
/// </summary>
internal sealed class ProviderKeyConnections : IHubFilter
{
    /// <summary>The claim that carries the signing key's id from authentication to the hub; one a token carries itself is dropped.</summary>
    public const string KeyIdClaim = "rehome_provider_kid";

    private readonly ConcurrentDictionary<string, (string KeyId, HubCallerContext Connection)> _connections = new();

    public static void RememberSigningKey(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        foreach (var carried in identity.FindAll(KeyIdClaim).ToArray())
        {
            identity.RemoveClaim(carried);
        }

        // The key that verified the signature; the token's kid named it.
        if ((context.SecurityToken.SigningKey?.KeyId ?? (context.SecurityToken as JsonWebToken)?.Kid) is { Length: > 0 } keyId)
        {
            identity.AddClaim(new Claim(KeyIdClaim, keyId));
        }
    }

    /// <summary>Closes the connections whose signing key is not in <paramref name="publishedKeyIds"/>; returns how many.</summary>
    public int CloseUnlessPublished(IReadOnlySet<string> publishedKeyIds)
    {
        var closed = 0;
        foreach (var (id, (keyId, connection)) in _connections)
        {
            if (!publishedKeyIds.Contains(keyId) && _connections.TryRemove(id, out _))
            {
                connection.Abort();
                closed++;
            }
        }

        return closed;
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (context.Context.User?.FindFirst(KeyIdClaim)?.Value is { } keyId)
        {
            _connections[context.Context.ConnectionId] = (keyId, context.Context);
        }

        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }
}
