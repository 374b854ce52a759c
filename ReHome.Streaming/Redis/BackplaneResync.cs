using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReHome.Contracts;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Naming;
using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

/// <summary>
/// While the backplane's Redis connection (run updates) or the main one (the thread feeds: the
/// worker's tokens and end events) is down, what other processes send never reaches this replica's clients, and their own sockets
/// stayed open, so nothing tells them. When the connection comes back, this sends
/// <c>agent.resync</c> to every connection of this process — by connection id, which the backplane
/// delivers locally, not through Redis to every replica — and clients subscribe again and replay.
/// In the worker there are no hub connections, so it sends nothing.
/// </summary>
public sealed partial class BackplaneResync(
    BackplaneRestorations restorations,
    IConnectionMultiplexer redis,
    LocalHubConnections connections,
    IHubContext<AgentHub> hub,
    TimeProvider time,
    ILogger<BackplaneResync> logger)
    : BackgroundService
{
    /// <summary>
    /// The multiplexer subscribes the backplane's channels again as it reconnects; waiting this long
    /// makes sure a client's replay starts after this replica listens again, so nothing falls between.
    /// </summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The thread feeds (tokens, ends, resets) listen on the main connection: its loss loses them too.
        restorations.Watch(redis);
        try
        {
            while (await restorations.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(SettleDelay, time, stoppingToken);
                restorations.Reader.TryRead(out _);
                await ResyncAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        var ids = connections.Ids;
        var resync = new ResyncEvent(ResyncEvent.BackplaneRestored);
        foreach (var id in ids)
        {
            try
            {
                await hub.Clients.Client(id).SendAsync(StreamNames.Events.Resync, resync, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A connection closing meanwhile; its reconnect resubscribes anyway.
                Log.ResyncFailed(logger, id, exception);
            }
        }

        if (ids.Count > 0)
        {
            Log.ResyncSent(logger, ids.Count);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(141, LogLevel.Information, "BackplaneResync: asked {Count} local connections to subscribe again and replay")]
        public static partial void ResyncSent(ILogger logger, int count);

        [LoggerMessage(142, LogLevel.Debug, "BackplaneResync: could not ask connection {ConnectionId} to resync")]
        public static partial void ResyncFailed(ILogger logger, string connectionId, Exception exception);
    }
}
