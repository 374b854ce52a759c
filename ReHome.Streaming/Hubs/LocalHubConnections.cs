using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// The hub connections of this process (not of other replicas), kept by
/// <see cref="AgentHubLifetimeManager"/>, so a message meant only for them is written to each
/// directly, without going through Redis: the thread feed's events (<see cref="ThreadFeed"/>) and the
/// resync after a lost Redis connection. Empty in the worker, which serves no hub.
/// </summary>
public sealed class LocalHubConnections
{
    private readonly ConcurrentDictionary<string, HubConnectionContext> _connections = new();

    public IReadOnlyCollection<string> Ids => [.. _connections.Keys];

    /// <summary>The connection with this id, or null when it is not (or no longer) connected here.</summary>
    public HubConnectionContext? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    internal void Add(HubConnectionContext connection) => _connections[connection.ConnectionId] = connection;

    internal void Remove(HubConnectionContext connection) => _connections.TryRemove(connection.ConnectionId, out _);
}
