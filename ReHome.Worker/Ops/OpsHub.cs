using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Client;

namespace ReHome.Worker.Ops;

/// <summary>
/// The operator's side of reaching the hub: a connection (built by <see cref="ReHomeHub"/>, the way every
/// ReHome client connects) within a timeout, or one line naming the hub's WebSocket address and why not.
/// </summary>
internal static class OpsHub
{
    /// <summary>A started bare connection (one handshake, no retries), or a failure naming the hub and the reason.</summary>
    public static async Task<HubConnection> ConnectAsync(Uri api, string accessToken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = ReHomeHub.CreateConnection(api, accessToken);
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
            throw Unreachable(api, exception is OperationCanceledException ? null : exception, timeout);
        }
    }

    /// <summary>
    /// Connects <paramref name="client"/> (which retries with back-off until cancelled) within
    /// <paramref name="timeout"/>, or fails with the reason of its last attempt.
    /// </summary>
    public static async Task ConnectAsync(ReHomeClient client, Uri api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await client.ConnectAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(api, client.LastConnectError, timeout);
        }
    }

    private static OpsFailure Unreachable(Uri api, Exception? reason, TimeSpan timeout) =>
        new($"The hub is not reachable at {ReHomeHub.WebSocketAddress(api)}: " +
            (reason is null ? $"no handshake within {timeout.TotalSeconds:0.#} s" : OpsErrors.Reason(reason)));
}
