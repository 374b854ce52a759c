using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// A client of the ReHome hub: connects (with failover between api addresses and reconnects), keeps
/// its thread subscriptions across reconnects and resyncs, and cancels runs.
/// </summary>
public sealed class ReHomeClient : IAsyncDisposable
{
    private readonly ReHomeClientOptions _options;
    private readonly ILogger _logger;
    private readonly FailoverHubConnection _connection;
    private readonly Lock _gate = new();
    private readonly List<ThreadSubscription> _subscriptions = [];
    private readonly SilentStreamWatch _silentStreams;
    private readonly ClientCounters _counters;
    private readonly ReconnectBackoff _replayBackoff;

    public ReHomeClient(ReHomeClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ReHomeClient>();
        _counters = new ClientCounters(options.MeterFactory);
        // The reconnect delays, with one "address": a failed replay waits the first delay, then double, and so on.
        _replayBackoff = new ReconnectBackoff(1, options.FirstReconnectDelay, options.MaxReconnectDelay);
        _connection = new FailoverHubConnection(options, _counters, _logger) { Connected = SubscribeAllAsync };
        _connection.On<TokenEvent>(HubContract.Events.Token, token => ForThread(token.ThreadId, subscription => subscription.TakeToken(token, replayed: false)));
        _connection.On<StreamResetEvent>(HubContract.Events.StreamReset, reset => ForThread(reset.ThreadId, subscription => subscription.TakeReset(reset)));
        _connection.On<StreamEndedEvent>(HubContract.Events.StreamEnded, ended => ForThread(ended.ThreadId, subscription => subscription.TakeEnd(ended)));
        _connection.On<RunView>(HubContract.Events.RunUpdated, run => ForThread(run.ThreadId, subscription => subscription.TakeRunUpdate(run)));
        _connection.On<ResyncEvent>(HubContract.Events.Resync, resync =>
        {
            ClientLog.Resync(_logger, resync.Reason);
            _counters.Resynced();
            // Not on the handler's thread: a hub call awaited there would wait for the receive loop it blocks.
            _ = Task.Run(() => SubscribeAllAsync(CancellationToken.None));
        });
        _silentStreams = new SilentStreamWatch(options.SilentStreamTimeout, options.TimeProvider, Subscriptions, ResubscribeAsync);
        _silentStreams.Start();
    }

    /// <summary>The api address of the live connection, if any.</summary>
    public Uri? ConnectedTo => _connection.CurrentUrl;

    /// <summary>Why the last connection attempt failed, while no connection is made; null once one is.</summary>
    public Exception? LastConnectError => _connection.LastConnectError;

    /// <summary>Reconnects, resyncs, replays and dropped duplicates so far.</summary>
    public ClientStatistics Statistics => _counters.Snapshot();

    /// <summary>Connects to the first api that answers; keeps trying (with back-off) until cancelled.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _connection.StartAsync(cancellationToken);

    /// <summary>
    /// Subscribes to a thread; <paramref name="resumeFrom"/> names streams already shown up to a seq
    /// (their tokens after it are replayed, nothing before is handed on again).
    /// </summary>
    public Task<ThreadSubscription> SubscribeAsync(
        string threadId,
        ThreadHandlers handlers,
        IEnumerable<StreamPosition>? resumeFrom = null,
        CancellationToken cancellationToken = default) =>
        AddSubscriptionAsync(threadId, handlers, resumeFrom ?? [], onlyStreamId: null, cancellationToken);

    /// <summary>
    /// One stream's tokens, each once and in order, after <paramref name="resumeAt"/> (or its start) until it
    /// ends. After a reset (a new epoch) its tokens start again at seq 1.
    /// </summary>
    public async IAsyncEnumerable<ReceivedToken> ReadStreamAsync(
        string threadId,
        string streamId,
        StreamPosition? resumeAt = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var tokens = Channel.CreateUnbounded<ReceivedToken>(new UnboundedChannelOptions { SingleReader = true });
        var handlers = new ThreadHandlers
        {
            OnToken = token => tokens.Writer.TryWrite(token),
            OnEnded = _ => tokens.Writer.TryComplete(),
        };
        StreamPosition[] resumeFrom = resumeAt is null ? [] : [resumeAt with { StreamId = streamId }];
        await using var subscription = await AddSubscriptionAsync(threadId, handlers, resumeFrom, streamId, cancellationToken).ConfigureAwait(false);
        await foreach (var token in tokens.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return token;
        }
    }

    /// <summary>Asks the api to stop a run (the user pressed stop).</summary>
    public Task CancelAsync(string threadId, string runId, CancellationToken cancellationToken = default) =>
        _connection.Current.InvokeAsync(HubContract.Methods.Cancel, threadId, runId, cancellationToken);

    private async Task<ThreadSubscription> AddSubscriptionAsync(
        string threadId,
        ThreadHandlers handlers,
        IEnumerable<StreamPosition> resumeFrom,
        string? onlyStreamId,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(threadId);
        ArgumentNullException.ThrowIfNull(handlers);
        var subscription = new ThreadSubscription(threadId, handlers, resumeFrom, onlyStreamId, _connection, _counters, _replayBackoff, _options.TimeProvider, _logger, RemoveAsync);
        lock (_gate)
        {
            _subscriptions.Add(subscription);
        }

        try
        {
            await subscription.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            lock (_gate)
            {
                _subscriptions.Remove(subscription);
            }

            throw;
        }

        return subscription;
    }

    private async ValueTask RemoveAsync(ThreadSubscription subscription)
    {
        bool lastOfThread;
        lock (_gate)
        {
            _subscriptions.Remove(subscription);
            lastOfThread = _subscriptions.TrueForAll(other => other.ThreadId != subscription.ThreadId);
        }

        if (lastOfThread && _connection.CurrentUrl is not null)
        {
            try
            {
                await _connection.Current.InvokeAsync(HubContract.Methods.Unsubscribe, subscription.ThreadId).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is InvalidOperationException or IOException or OperationCanceledException)
            {
                // Not connected: there is nothing to leave.
            }
        }
    }

    private ThreadSubscription[] Subscriptions()
    {
        lock (_gate)
        {
            return [.. _subscriptions];
        }
    }

    private async Task SubscribeAllAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in Subscriptions())
        {
            await ResubscribeAsync(subscription, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ResubscribeAsync(ThreadSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await subscription.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            ClientLog.ResubscribeFailed(_logger, subscription.ThreadId, exception);
        }
    }

    private void ForThread(string threadId, Action<ThreadSubscription> take)
    {
        ThreadSubscription[] subscriptions;
        lock (_gate)
        {
            subscriptions = [.. _subscriptions.Where(subscription => subscription.ThreadId == threadId)];
        }

        foreach (var subscription in subscriptions)
        {
            take(subscription);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _silentStreams.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _counters.Dispose();
    }

    /// <summary>The live hub connection (tests use it to make the api forget a subscription).</summary>
    internal HubConnection CurrentConnection => _connection.Current;
}
