using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// The hub connections of this process (not of other replicas), kept by a hub filter, so a message
/// meant only for them can be sent to each by id — which the Redis backplane delivers locally,
/// without going through Redis. Empty in the worker, which serves no hub.
/// </summary>
public sealed class LocalHubConnections : IHubFilter
{
    private readonly ConcurrentDictionary<string, byte> _ids = new();

    public IReadOnlyCollection<string> Ids => [.. _ids.Keys];

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _ids[context.Context.ConnectionId] = 0;
        await next(context);
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _ids.TryRemove(context.Context.ConnectionId, out _);
        await next(context, exception);
    }
}
