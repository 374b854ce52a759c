using System.Collections.Immutable;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// Sends a thread's stream events (<see cref="StreamFeed"/>) to this replica's connections that
/// subscribed to the thread. The replica listens to a thread's feed channel while at least one of its
/// own connections subscribes to it; each event is read once, serialised once per protocol, and
/// written to every subscriber, in the order the feed gives (the log's order).
/// </summary>
/// <remarks>
/// The scripts publish what they write, so a token costs its producer one Redis call and no
/// serialisation. Run updates still go through SignalR groups (<see cref="Runs.RunEvents"/>).
/// </remarks>
public sealed partial class ThreadFeed(IConnectionMultiplexer redis, LocalHubConnections connections, ILogger<ThreadFeed> logger)
{
    private readonly Lock _gate = new();

    // Guarded by _gate: the threads listened to, and what each connection joined.
    private readonly Dictionary<string, Listeners> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _joined = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds the connection to the thread's listeners; returns once the replica listens to the thread's
    /// feed, so every event published after that reaches the connection.
    /// </summary>
    public async Task JoinAsync(string connectionId, string threadId)
    {
        if (connections.Find(connectionId) is not { } connection)
        {
            return; // Closed meanwhile; nothing to send to.
        }

        Listeners listeners;
        Task<ChannelMessageQueue> subscribed;
        lock (_gate)
        {
            if (!_threads.TryGetValue(threadId, out listeners!))
            {
                listeners = new Listeners(threadId);
                _threads[threadId] = listeners;
            }

            if (!listeners.Connections.Contains(connection))
            {
                listeners.Connections = listeners.Connections.Add(connection);
            }

            if (!_joined.TryGetValue(connectionId, out var threads))
            {
                _joined[connectionId] = threads = new HashSet<string>(StringComparer.Ordinal);
            }

            threads.Add(threadId);
            subscribed = listeners.Subscription ??= ListenAsync(listeners);
        }

        try
        {
            await subscribed;
        }
        catch
        {
            lock (_gate)
            {
                // The next join asks Redis again instead of inheriting this failure.
                if (listeners.Subscription == subscribed)
                {
                    listeners.Subscription = null;
                }
            }

            throw;
        }
    }

    public Task LeaveAsync(string connectionId, string threadId) => LeaveAsync(connectionId, [threadId]);

    /// <summary>Takes a closed connection off every thread it joined.</summary>
    public Task LeaveAllAsync(HubConnectionContext connection)
    {
        string[] threads;
        lock (_gate)
        {
            threads = _joined.Remove(connection.ConnectionId, out var joined) ? [.. joined] : [];
        }

        return LeaveAsync(connection.ConnectionId, threads);
    }

    private async Task LeaveAsync(string connectionId, IReadOnlyCollection<string> threadIds)
    {
        List<Listeners>? emptied = null;
        lock (_gate)
        {
            _joined.GetValueOrDefault(connectionId)?.ExceptWith(threadIds);
            foreach (var threadId in threadIds)
            {
                if (!_threads.TryGetValue(threadId, out var listeners))
                {
                    continue;
                }

                listeners.Connections = listeners.Connections.RemoveAll(connection => connection.ConnectionId == connectionId);
                if (listeners.Connections.IsEmpty)
                {
                    _threads.Remove(threadId);
                    (emptied ??= []).Add(listeners);
                }
            }
        }

        foreach (var listeners in emptied ?? [])
        {
            await StopListeningAsync(listeners);
        }
    }

    private async Task<ChannelMessageQueue> ListenAsync(Listeners listeners)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(Channels.ThreadFeed(listeners.ThreadId));
        // One message at a time per thread: the feed's order is the order clients are sent.
        queue.OnMessage(message => DeliverAsync(listeners, message));
        return queue;
    }

    private async Task StopListeningAsync(Listeners listeners)
    {
        try
        {
            if (listeners.Subscription is { } subscription)
            {
                await (await subscription).UnsubscribeAsync();
            }
        }
        catch (Exception exception) when (RedisFaults.IsTransient(exception))
        {
            // Redis is away: the subscription goes with the connection; a later join subscribes afresh.
            Log.UnsubscribeFailed(logger, listeners.ThreadId, exception);
        }
    }

    private async Task DeliverAsync(Listeners listeners, ChannelMessage message)
    {
        SerializedHubMessage serialized;
        try
        {
            var (eventName, payload) = StreamFeed.Read(listeners.ThreadId, (string?)message.Message ?? string.Empty);
            serialized = new SerializedHubMessage(new InvocationMessage(eventName, [payload]));
        }
        catch (FormatException exception)
        {
            Log.UnreadableMessage(logger, listeners.ThreadId, exception);
            return;
        }

        List<Task>? writing = null;
        foreach (var connection in listeners.Connections)
        {
            // A connection that fails a write is closed by SignalR; its client reconnects and replays.
            var write = connection.WriteAsync(serialized);
            if (!write.IsCompletedSuccessfully)
            {
                (writing ??= []).Add(write.AsTask());
            }
        }

        if (writing is not null)
        {
            try
            {
                await Task.WhenAll(writing);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                Log.WriteFailed(logger, listeners.ThreadId, exception);
            }
        }
    }

    private sealed class Listeners(string threadId)
    {
        public string ThreadId { get; } = threadId;

        /// <summary>Replaced whole under the gate, read without it by the delivery.</summary>
        public ImmutableArray<HubConnectionContext> Connections { get; set; } = [];

        public Task<ChannelMessageQueue>? Subscription { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(150, LogLevel.Warning, "ThreadFeed: could not stop listening to thread {ThreadId}")]
        public static partial void UnsubscribeFailed(ILogger logger, string threadId, Exception exception);

        [LoggerMessage(151, LogLevel.Error, "ThreadFeed: a message on thread {ThreadId}'s feed is not a stream event; nothing sent")]
        public static partial void UnreadableMessage(ILogger logger, string threadId, Exception exception);

        [LoggerMessage(152, LogLevel.Debug, "ThreadFeed: writing an event of thread {ThreadId} to a connection failed")]
        public static partial void WriteFailed(ILogger logger, string threadId, Exception exception);
    }
}
