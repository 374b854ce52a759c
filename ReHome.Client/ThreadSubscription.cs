using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;
using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// A thread's events brought to exactly once: per stream and epoch it drops seen seqs, holds tokens
/// that came ahead of a gap and replays from the last contiguous seq, resets on a new epoch and drops
/// a left one; after every (re)connect it subscribes again and replays what it missed. Handlers are
/// called one at a time. Dispose to unsubscribe.
/// </summary>
public sealed class ThreadSubscription : IAsyncDisposable
{
    // A replay that keeps failing waits for the next gap, reconnect or resync instead of being retried for ever.
    private const int MaxReplayRetries = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamCursor> _streams = [];
    private readonly HashSet<string> _replaying = [];
    private readonly HashSet<string> _replayAgain = [];
    private readonly RunVersions _runs = new();
    private readonly ThreadHandlers _handlers;
    private readonly FailoverHubConnection _connection;
    private readonly ClientCounters _counters;
    private readonly ReconnectBackoff _replayBackoff;
    private readonly Func<ThreadSubscription, ValueTask> _onDispose;
    private readonly string? _onlyStreamId;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();

    internal ThreadSubscription(
        string threadId,
        ThreadHandlers handlers,
        IEnumerable<StreamPosition> resumeFrom,
        string? onlyStreamId,
        FailoverHubConnection connection,
        ClientCounters counters,
        ReconnectBackoff replayBackoff,
        TimeProvider time,
        ILogger logger,
        Func<ThreadSubscription, ValueTask> onDispose)
    {
        ThreadId = threadId;
        _handlers = handlers;
        _onlyStreamId = onlyStreamId;
        _connection = connection;
        _counters = counters;
        _replayBackoff = replayBackoff;
        _time = time;
        _logger = logger;
        _onDispose = onDispose;
        foreach (var position in resumeFrom)
        {
            _streams[position.StreamId] = new StreamCursor(position.StreamId, position.Seq, position.Epoch) { LastActivity = time.GetUtcNow() };
        }
    }

    public string ThreadId { get; }

    /// <summary>Where each stream stands: save these to resume later.</summary>
    public IReadOnlyList<StreamPosition> Positions
    {
        get { lock (_gate) { return [.. _streams.Values.Select(cursor => cursor.Position)]; } }
    }

    /// <summary>Subscribes (again) on the current connection, takes the runs it reports and replays every stream that is behind.</summary>
    internal async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var result = await _connection.Current
            .InvokeAsync<SubscribeResult>(HubContract.Methods.Subscribe, ThreadId, cancellationToken)
            .ConfigureAwait(false);
        lock (_gate)
        {
            foreach (var summary in result.Streams.Where(summary => Wanted(summary.StreamId)))
            {
                var cursor = CursorOf(summary.StreamId);
                if (!TakeEpoch(cursor, summary.Epoch, summary.RunId))
                {
                    continue;
                }

                cursor.LastActivity = _time.GetUtcNow();
                cursor.SeenStreaming |= summary.Status == "streaming";

                if (StreamStatusNames.HasEnded(summary.Status))
                {
                    cursor.End ??= new StreamEndedEvent(ThreadId, summary.RunId, summary.StreamId, summary.LastSeq, summary.Status, null, cursor.Epoch);
                }

                // Replay even when Subscribe's lastSeq is ours: tokens may have been written since it was read.
                RequestReplay(cursor.StreamId);
                HandOnEndIfReached(cursor);
            }

            foreach (var run in result.Runs ?? [])
            {
                TakeRun(run);
            }

            ForgetStreamsTheServerForgot(result.Streams);
        }
    }

    /// <summary>
    /// A stream whose end was handed on and that the api no longer lists (its retention passed) cannot
    /// send anything again: its cursor goes, so a subscription that lives for days keeps only what the
    /// server keeps (a stream id used again later starts from a fresh cursor, as a new epoch would).
    /// </summary>
    private void ForgetStreamsTheServerForgot(IReadOnlyList<StreamSummary> listed)
    {
        var known = listed.Select(summary => summary.StreamId).ToHashSet(StringComparer.Ordinal);
        foreach (var cursor in _streams.Values.Where(cursor => cursor.EndHandedOn && !known.Contains(cursor.StreamId)).ToArray())
        {
            _streams.Remove(cursor.StreamId);
        }
    }

    internal void TakeToken(TokenEvent token, bool replayed)
    {
        if (!Wanted(token.StreamId))
        {
            return;
        }

        var received = new ReceivedToken(token, _time.GetUtcNow(), replayed);
        lock (_gate)
        {
            var cursor = CursorOf(token.StreamId);
            if (!TakeEpoch(cursor, token.Epoch, token.RunId))
            {
                return;
            }

            cursor.LastActivity = received.ReceivedAt;
            cursor.SeenStreaming = true;
            var ready = cursor.Accept(received, out var duplicate);
            foreach (var next in ready)
            {
                _counters.HandedOn(next);
                _handlers.OnToken?.Invoke(next);
            }

            if (duplicate)
            {
                _counters.DuplicateDropped();
                _handlers.OnDuplicate?.Invoke(received);
            }

            if (cursor.HasGap)
            {
                RequestReplay(cursor.StreamId);
            }

            HandOnEndIfReached(cursor);
        }
    }

    internal void TakeReset(StreamResetEvent reset)
    {
        if (!Wanted(reset.StreamId))
        {
            return;
        }

        lock (_gate)
        {
            TakeEpoch(CursorOf(reset.StreamId), reset.Epoch, reset.RunId);
        }
    }

    internal void TakeEnd(StreamEndedEvent ended)
    {
        if (!Wanted(ended.StreamId))
        {
            return;
        }

        lock (_gate)
        {
            var cursor = CursorOf(ended.StreamId);
            if (!TakeEpoch(cursor, ended.Epoch, ended.RunId))
            {
                return;
            }

            cursor.End = ended;
            if (cursor.HasGap)
            {
                RequestReplay(cursor.StreamId);
            }

            HandOnEndIfReached(cursor);
        }
    }

    internal void TakeRunUpdate(RunView run)
    {
        lock (_gate)
        {
            TakeRun(run);
        }
    }

    /// <summary>
    /// True when a live stream has been silent longer than <paramref name="timeout"/> (its broadcasts may be
    /// lost); those streams count as active again, so the next check waits a full timeout.
    /// </summary>
    internal bool TakeSilentLiveStreams(DateTimeOffset now, TimeSpan timeout)
    {
        lock (_gate)
        {
            var silent = _streams.Values.Where(cursor => cursor.IsLive && now - cursor.LastActivity > timeout).ToArray();
            foreach (var cursor in silent)
            {
                cursor.LastActivity = now;
            }

            return silent.Length > 0;
        }
    }

    private void TakeRun(RunView run)
    {
        if (_runs.IsNewer(run))
        {
            _handlers.OnRunUpdated?.Invoke(run);
        }
    }

    /// <summary>False when the event belongs to an epoch the stream has left; resets the stream on a new one.</summary>
    private bool TakeEpoch(StreamCursor cursor, string? epoch, string runId)
    {
        switch (cursor.Match(epoch))
        {
            case EpochMatch.Left:
                return false;
            case EpochMatch.New:
                cursor.Reset(epoch!);
                cursor.LastActivity = _time.GetUtcNow();
                _handlers.OnReset?.Invoke(new StreamResetEvent(ThreadId, runId, cursor.StreamId, epoch!));
                RequestReplay(cursor.StreamId);
                return true;
            default:
                return true;
        }
    }

    private void HandOnEndIfReached(StreamCursor cursor)
    {
        if (cursor.End is { } end && !cursor.EndHandedOn && cursor.Seq >= end.LastSeq)
        {
            cursor.EndHandedOn = true;
            _handlers.OnEnded?.Invoke(end);
        }
    }

    /// <summary>Starts a replay of the stream from its last contiguous seq, or asks the running one to go once more.</summary>
    private void RequestReplay(string streamId, int failedAttempts = 0)
    {
        if (!_replaying.Add(streamId))
        {
            _replayAgain.Add(streamId);
            return;
        }

        _ = Task.Run(() => ReplayAsync(streamId, failedAttempts));
    }

    private async Task ReplayAsync(string streamId, int failedAttempts)
    {
        try
        {
            while (true)
            {
                long from;
                lock (_gate)
                {
                    _replayAgain.Remove(streamId);
                    if (!_streams.TryGetValue(streamId, out var current))
                    {
                        // Forgotten meanwhile (the server no longer lists it): nothing to catch up.
                        _replaying.Remove(streamId);
                        return;
                    }

                    from = current.Seq;
                }

                _counters.Replayed();
                var tokens = _connection.Current.StreamAsync<TokenEvent>(HubContract.Methods.Replay, ThreadId, streamId, from, _disposed.Token);
                await foreach (var token in tokens.ConfigureAwait(false))
                {
                    TakeToken(token, replayed: true);
                }

                failedAttempts = 0;
                lock (_gate)
                {
                    // Once more only when asked meanwhile and this round moved on; a gap the log cannot fill stays.
                    if (!_replayAgain.Contains(streamId) || !_streams.TryGetValue(streamId, out var cursor) || cursor.Seq == from)
                    {
                        _replaying.Remove(streamId);
                        return;
                    }
                }
            }
        }
        catch (Exception exception)
        {
            lock (_gate)
            {
                _replaying.Remove(streamId);
                _replayAgain.Remove(streamId);
            }

            if (!_disposed.IsCancellationRequested)
            {
                ClientLog.ReplayFailed(_logger, ThreadId, streamId, exception);
                await RetryReplayAsync(streamId, failedAttempts + 1).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A replay refused or failed while the connection stays up (the thread's action limit, Redis away at
    /// the api) is tried again after a growing delay — nothing else would, for a stream that has ended. A
    /// lost connection needs no retry here: the reconnect subscribes and replays.
    /// </summary>
    private async Task RetryReplayAsync(string streamId, int failedAttempts)
    {
        if (failedAttempts > MaxReplayRetries || _connection.CurrentUrl is null)
        {
            return;
        }

        try
        {
            await Task.Delay(_replayBackoff.DelayBefore(failedAttempts), _time, _disposed.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            RequestReplay(streamId, failedAttempts);
        }
    }

    private bool Wanted(string streamId) => _onlyStreamId is null || _onlyStreamId == streamId;

    private StreamCursor CursorOf(string streamId)
    {
        if (!_streams.TryGetValue(streamId, out var cursor))
        {
            _streams[streamId] = cursor = new StreamCursor(streamId, 0, null) { LastActivity = _time.GetUtcNow() };
        }

        return cursor;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _onDispose(this).ConfigureAwait(false);
    }
}
