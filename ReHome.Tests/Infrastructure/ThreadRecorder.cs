using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Client;
using ReHome.Contracts;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// What a thread's watcher was handed, in order, for tests to check. As a <see cref="ReHomeClient"/>
/// subscription's <see cref="Handlers"/> it records what the client shows (each token once, per its
/// contract), the duplicates it dropped, ends, resets and run updates. Listening on a bare hub connection
/// (<see cref="Listen"/>, for tests of the hub itself) it records every event as the hub sent it: nothing
/// is dropped, reordered or replayed there.
/// </summary>
public sealed class ThreadRecorder
{
    private readonly Lock _gate = new();
    private readonly List<ReceivedToken> _tokens = [];
    private readonly List<ReceivedToken> _duplicates = [];
    private readonly List<StreamResetEvent> _resets = [];
    private readonly List<StreamEndedEvent> _ends = [];
    private readonly List<RunView> _runUpdates = [];
    private readonly Dictionary<string, int> _shownFrom = [];
    private readonly Dictionary<string, int> _endsFrom = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>The handlers to subscribe a <see cref="ReHomeClient"/> with.</summary>
    public ThreadHandlers Handlers => new()
    {
        OnToken = token => Record(_tokens, token),
        OnDuplicate = token => Record(_duplicates, token),
        OnReset = RecordReset,
        OnEnded = ended => Record(_ends, ended),
        OnRunUpdated = run => Record(_runUpdates, run),
    };

    /// <summary>Records a bare connection's events as they come (before it starts, or at any time after).</summary>
    public ThreadRecorder Listen(HubConnection connection)
    {
        connection.On<TokenEvent>(HubContract.Events.Token, token => Record(_tokens, new ReceivedToken(token, DateTimeOffset.UtcNow, Replayed: false)));
        connection.On<StreamResetEvent>(HubContract.Events.StreamReset, RecordReset);
        connection.On<StreamEndedEvent>(HubContract.Events.StreamEnded, ended => Record(_ends, ended));
        connection.On<RunView>(HubContract.Events.RunUpdated, run => Record(_runUpdates, run));
        return this;
    }

    /// <summary>Every token handed on, in order, with whether it came by replay.</summary>
    public IReadOnlyList<ReceivedToken> Tokens
    {
        get { lock (_gate) { return [.. _tokens]; } }
    }

    /// <summary>Every token event handed on, in order, of every stream and epoch.</summary>
    public IReadOnlyList<TokenEvent> Received => [.. Tokens.Select(token => token.Event)];

    /// <summary>What a screen shows of a stream: its tokens handed on since its last reset, in the order they came.</summary>
    public IReadOnlyList<TokenEvent> Shown(string streamId)
    {
        lock (_gate)
        {
            return ShownLocked(streamId);
        }
    }

    /// <summary>Tokens the client dropped because it had handed them on already (none from a bare connection).</summary>
    public IReadOnlyList<ReceivedToken> Duplicates
    {
        get { lock (_gate) { return [.. _duplicates]; } }
    }

    /// <summary>
    /// Live tokens whose (stream, epoch, seq) had already arrived live: the hub sent a token twice. A
    /// replay overlapping live tokens drops duplicates as a matter of course — a replayed copy of a seq
    /// that came live, or a live copy of one a replay handed on first — and those are not these.
    /// </summary>
    public IReadOnlyList<ReceivedToken> LiveDuplicates
    {
        get
        {
            lock (_gate)
            {
                var arrivedLive = new HashSet<(string StreamId, string? Epoch, long Seq)>();
                return [.. _tokens.Concat(_duplicates)
                    .Where(token => !token.Replayed)
                    .OrderBy(token => token.ReceivedAt)
                    .Where(token => !arrivedLive.Add((token.Event.StreamId, token.Event.Epoch, token.Event.Seq)))];
            }
        }
    }

    public IReadOnlyList<StreamResetEvent> Resets
    {
        get { lock (_gate) { return [.. _resets]; } }
    }

    /// <summary>Every end handed on, in order, of every stream and epoch.</summary>
    public IReadOnlyList<StreamEndedEvent> Ends
    {
        get { lock (_gate) { return [.. _ends]; } }
    }

    /// <summary>Every run update handed on, in order.</summary>
    public IReadOnlyList<RunView> RunUpdates
    {
        get { lock (_gate) { return [.. _runUpdates]; } }
    }

    /// <summary>The end of what is shown of the stream (handed on since its last reset), if any.</summary>
    public StreamEndedEvent? Ended(string streamId)
    {
        lock (_gate)
        {
            return EndedLocked(streamId);
        }
    }

    /// <summary>The stream shows seqs 1..<paramref name="lastSeq"/>, each once and in order, and no token came live twice.</summary>
    public void AssertShownOnce(string streamId, long lastSeq)
    {
        Assert.Equal(Enumerable.Range(1, checked((int)lastSeq)).Select(seq => (long)seq), Shown(streamId).Select(token => token.Seq));
        Assert.Empty(LiveDuplicates);
    }

    public Task WaitForRunStatusAsync(string runId, string status, TimeSpan timeout) =>
        WaitAsync(() => _runUpdates.Exists(run => run.Id == runId && run.Status == status), timeout, $"run {runId} turning {status}");

    public Task WaitForTokensAsync(int count, TimeSpan timeout) =>
        WaitAsync(() => _tokens.Count >= count, timeout, $"{count} tokens");

    public Task WaitForSeqAsync(string streamId, long seq, TimeSpan timeout) =>
        WaitAsync(() => ShownLocked(streamId).Any(token => token.Seq == seq), timeout, $"seq {seq} of {streamId}");

    public Task WaitForEndedAsync(string streamId, TimeSpan timeout) =>
        WaitAsync(() => EndedLocked(streamId) is not null, timeout, $"the end of {streamId}");

    private List<TokenEvent> ShownLocked(string streamId) =>
        [.. _tokens.Skip(_shownFrom.GetValueOrDefault(streamId)).Where(token => token.Event.StreamId == streamId).Select(token => token.Event)];

    private StreamEndedEvent? EndedLocked(string streamId) =>
        _ends.Skip(_endsFrom.GetValueOrDefault(streamId)).LastOrDefault(ended => ended.StreamId == streamId);

    /// <summary>A reset: what was shown of the stream so far, and its end, are no longer on screen.</summary>
    private void RecordReset(StreamResetEvent reset)
    {
        lock (_gate)
        {
            _shownFrom[reset.StreamId] = _tokens.Count;
            _endsFrom[reset.StreamId] = _ends.Count;
            Record(_resets, reset);
        }
    }

    private void Record<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
            foreach (var waiter in _waiters.Where(waiter => waiter.Condition()).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    private async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (condition())
            {
                return;
            }

            signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((condition, signal));
        }

        try
        {
            await signal.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what} did not arrive within {timeout}; {Tokens.Count} tokens were handed on");
        }
    }
}
