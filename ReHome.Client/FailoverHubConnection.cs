using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace ReHome.Client;

/// <summary>
/// One live hub connection at a time over a list of api addresses: when a connection cannot be made or
/// is lost it moves to the next address (with back-off once every address failed), registers the event
/// handlers on each new connection and tells <see cref="Connected"/> after every (re)connect.
/// </summary>
internal sealed class FailoverHubConnection(ReHomeClientOptions options, ClientCounters counters, ILogger logger) : IAsyncDisposable
{
    private readonly List<Action<HubConnection>> _registrations = [];
    private readonly ReconnectBackoff _backoff = new(options.ApiUrls.Count, options.FirstReconnectDelay, options.MaxReconnectDelay);
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private HubConnection? _current;
    private int _addressIndex;

    /// <summary>Called after every successful connect, the first included (not on a handler's thread).</summary>
    public Func<CancellationToken, Task>? Connected { get; set; }

    public HubConnection Current =>
        _current is { State: HubConnectionState.Connected } connection
            ? connection
            : throw new InvalidOperationException("The client is not connected to any api right now.");

    public Uri? CurrentUrl { get; private set; }

    /// <summary>Why the last connection attempt failed (null once one succeeds).</summary>
    public Exception? LastConnectError { get; private set; }

    public void On<T>(string eventName, Action<T> handler)
    {
        lock (_gate)
        {
            _registrations.Add(connection => connection.On(eventName, handler));
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        await ConnectAsync(linked.Token).ConfigureAwait(false);
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var url = options.ApiUrls[_addressIndex % options.ApiUrls.Count];
            var connection = Build(url);
            try
            {
                await connection.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                LastConnectError = exception;
                _addressIndex++;
                var delay = _backoff.DelayBefore(attempt + 1);
                ClientLog.ConnectFailed(logger, url, delay, exception);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            _current = connection;
            CurrentUrl = url;
            LastConnectError = null;
            counters.Connected();
            connection.Closed += exception => OnClosedAsync(connection, url, exception);
            ClientLog.Connected(logger, url);
            if (Connected is { } connected)
            {
                await connected(cancellationToken).ConfigureAwait(false);
            }

            return;
        }
    }

    private Task OnClosedAsync(HubConnection connection, Uri url, Exception? exception)
    {
        if (_disposed.IsCancellationRequested || !ReferenceEquals(connection, _current))
        {
            return Task.CompletedTask;
        }

        ClientLog.ConnectionLost(logger, url, exception);
        _addressIndex++;
        _ = Task.Run(async () =>
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            try
            {
                await ConnectAsync(_disposed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
            {
                // The client is being disposed.
            }
        });
        return Task.CompletedTask;
    }

    private HubConnection Build(Uri url)
    {
        var connection = ReHomeHub.CreateConnection(url, options.AccessTokenProvider, options.UseMessagePack);
        lock (_gate)
        {
            foreach (var register in _registrations)
            {
                register(connection);
            }
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_current is { } connection)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _disposed.Dispose();
    }
}
