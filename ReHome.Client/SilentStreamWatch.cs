namespace ReHome.Client;

/// <summary>
/// The fallback for broadcasts lost without the socket closing: every quarter of the timeout, each
/// subscription with a live stream silent longer than the timeout is subscribed to again (and so replayed).
/// </summary>
internal sealed class SilentStreamWatch(
    TimeSpan timeout,
    TimeProvider time,
    Func<IReadOnlyList<ThreadSubscription>> subscriptions,
    Func<ThreadSubscription, CancellationToken, Task> resubscribe) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopped = new();
    private Task? _watching;

    public void Start()
    {
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _watching = Task.Run(() => WatchAsync(_stopped.Token));
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(timeout.Ticks / 4, TimeSpan.FromMilliseconds(100).Ticks));
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                foreach (var subscription in subscriptions())
                {
                    if (subscription.TakeSilentLiveStreams(time.GetUtcNow(), timeout))
                    {
                        await resubscribe(subscription, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client is being disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopped.CancelAsync().ConfigureAwait(false);
        if (_watching is { } watching)
        {
            await watching.ConfigureAwait(false);
        }

        _stopped.Dispose();
    }
}
