using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ReHome.Contracts;
using ReHome.Contracts.Json;

namespace ReHome.Client;

/// <summary>
/// The one way ReHome connects to its hub: WebSockets without negotiation (how clients reach several
/// replicas without sticky sessions, CONTRACT.md), the access token from a factory, JSON with the
/// contract's source-generated types or MessagePack. <see cref="ReHomeClient"/> builds its connections
/// here; code that needs the bare hub (an operator's handshake check, tests of the hub itself) does too.
/// </summary>
public static class ReHomeHub
{
    /// <summary>The hub's address under an api's base address.</summary>
    public static Uri Address(Uri apiUrl) => new(apiUrl, HubContract.Path);

    /// <summary>The hub's address as the WebSocket it is (<c>ws://…/hubs/agent</c>), for messages.</summary>
    public static string WebSocketAddress(Uri apiUrl) =>
        new UriBuilder(Address(apiUrl)) { Scheme = apiUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Port = apiUrl.Port }.Uri.ToString();

    /// <summary>A connection to the hub of <paramref name="apiUrl"/>, not started and with no handlers.</summary>
    public static HubConnection CreateConnection(Uri apiUrl, Func<Task<string?>> accessTokenProvider, bool useMessagePack = false)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentNullException.ThrowIfNull(accessTokenProvider);
        var builder = new HubConnectionBuilder()
            .WithUrl(Address(apiUrl), http =>
            {
                http.Transports = HttpTransportType.WebSockets;
                http.SkipNegotiation = true;
                http.AccessTokenProvider = accessTokenProvider;
            });
        if (useMessagePack)
        {
            builder.AddMessagePackProtocol();
        }
        else
        {
            builder.AddJsonProtocol(json =>
            {
                var resolvers = json.PayloadSerializerOptions.TypeInfoResolverChain;
                resolvers.Insert(0, StreamingJsonContext.Default);
                // Other argument types by reflection where the app allows it (a trimmed app has the contract's only).
                if (JsonSerializer.IsReflectionEnabledByDefault)
                {
                    resolvers.Add(new DefaultJsonTypeInfoResolver());
                }
            });
        }

        return builder.Build();
    }

    /// <summary>The same, with a token fixed for the connection's life.</summary>
    public static HubConnection CreateConnection(Uri apiUrl, string accessToken, bool useMessagePack = false) =>
        CreateConnection(apiUrl, () => Task.FromResult<string?>(accessToken), useMessagePack);
}
