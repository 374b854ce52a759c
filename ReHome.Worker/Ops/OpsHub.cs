using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Json;

namespace ReHome.Worker.Ops;

/// <summary>A hub connection made the way browsers make it: WebSockets, no negotiation, the token in the query.</summary>
internal static class OpsHub
{
    public static Uri Address(Uri api) => new(api, HubPaths.Agent);

    /// <summary>The hub's address as the WebSocket it is (<c>ws://…/hubs/agent</c>), for messages.</summary>
    public static string WebSocketAddress(Uri api) =>
        new UriBuilder(Address(api)) { Scheme = api.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Port = api.Port }.Uri.ToString();

    public static HubConnection Create(Uri api, string accessToken) =>
        new HubConnectionBuilder()
            .WithUrl(Address(api), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken);
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, StreamingJsonContext.Default))
            .Build();

    /// <summary>A started connection, or a failure naming the hub and the reason.</summary>
    public static async Task<HubConnection> ConnectAsync(Uri api, string accessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = Create(api, accessToken);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await connection.StartAsync(deadline.Token);
            return connection;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync();
            var reason = exception is OperationCanceledException ? $"no handshake within {timeout.TotalSeconds:0.#} s" : OpsErrors.Reason(exception);
            throw new OpsFailure($"The hub is not reachable at {WebSocketAddress(api)}: {reason}");
        }
    }
}
