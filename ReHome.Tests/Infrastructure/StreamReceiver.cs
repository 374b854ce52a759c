using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Naming;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// What a well-behaved client does with a thread's events: keeps every token it is sent (to count
/// duplicates), shows each (streamId, seq) once, and can fill gaps by replay.
/// </summary>
public sealed class StreamReceiver
{
    private readonly object _gate = new();
    private readonly List<TokenEvent> _received = [];
    private readonly Dictionary<string, SortedDictionary<long, TokenEvent>> _shown = [];
    private readonly Dictionary<string, StreamEndedEvent> _ended = [];
    private readonly List<RunView> _runUpdates = [];
    private readonly List<(Func<bool> Condition, TaskCompletionSource Signal)> _waiters = [];

    /// <summary>Starts listening on a connection (before it starts, or at any time after).</summary>
    public StreamReceiver Listen(HubConnection connection)
    {
        connection.On<TokenEvent>(StreamNames.Events.Token, Accept);
        connection.On<StreamEndedEvent>(StreamNames.Events.StreamEnded, ended =>
        {
            lock (_gate)
            {
                _ended[ended.StreamId] = ended;
                Signal();
            }
        });
        connection.On<RunView>(StreamNames.Events.RunUpdated, run =>
        {
            lock (_gate)
            {
                _runUpdates.Add(run);
                Signal();
            }
        });
        return this;
    }

    /// <summary>Every token event as delivered, duplicates included.</summary>
    public IReadOnlyList<TokenEvent> Received
    {
        get { lock (_gate) { return [.. _received]; } }
    }

    /// <summary>What the client shows for a stream: each seq once, in seq order.</summary>
    public IReadOnlyList<TokenEvent> Shown(string streamId)
    {
        lock (_gate)
        {
            return _shown.TryGetValue(streamId, out var tokens) ? [.. tokens.Values] : [];
        }
    }

    /// <summary>
    /// The last seq up to which the client has every token (1..n with no gap) — where a replay starts.
    /// Not the highest seq seen: live tokens that arrived after a gap must not hide the gap.
    /// </summary>
    public long LastSeq(string streamId)
    {
        lock (_gate)
        {
            if (!_shown.TryGetValue(streamId, out var tokens))
            {
                return 0;
            }

            long contiguous = 0;
            while (tokens.ContainsKey(contiguous + 1))
            {
                contiguous++;
            }

            return contiguous;
        }
    }

    /// <summary>Every <c>agent.thread.run.updated</c> received, in order.</summary>
    public IReadOnlyList<RunView> RunUpdates
    {
        get { lock (_gate) { return [.. _runUpdates]; } }
    }

    public Task WaitForRunStatusAsync(string runId, string status, TimeSpan timeout) =>
        WaitAsync(() => _runUpdates.Any(run => run.Id == runId && run.Status == status), timeout, $"run {runId} turning {status}");

    public StreamEndedEvent? Ended(string streamId)
    {
        lock (_gate)
        {
            return _ended.GetValueOrDefault(streamId);
        }
    }

    /// <summary>Asks for everything after the last seq shown and shows what comes back.</summary>
    public async Task<int> ReplayAsync(HubConnection connection, string threadId, string streamId, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var token in connection.StreamAsync<TokenEvent>("Replay", threadId, streamId, LastSeq(streamId), cancellationToken))
        {
            Accept(token);
            count++;
        }

        return count;
    }

    public Task WaitForSeqAsync(string streamId, long seq, TimeSpan timeout) =>
        WaitAsync(() => _shown.TryGetValue(streamId, out var tokens) && tokens.ContainsKey(seq), timeout, $"seq {seq} of {streamId}");

    public Task WaitForEndedAsync(string streamId, TimeSpan timeout) =>
        WaitAsync(() => _ended.ContainsKey(streamId), timeout, $"the end of {streamId}");

    private void Accept(TokenEvent token)
    {
        lock (_gate)
        {
            _received.Add(token);
            if (!_shown.TryGetValue(token.StreamId, out var tokens))
            {
                _shown[token.StreamId] = tokens = [];
            }

            tokens.TryAdd(token.Seq, token);
            Signal();
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
            throw new TimeoutException($"{what} did not arrive within {timeout}; received {Received.Count} token events");
        }
    }

    private void Signal()
    {
        foreach (var waiter in _waiters.Where(waiter => waiter.Condition()).ToArray())
        {
            _waiters.Remove(waiter);
            waiter.Signal.TrySetResult();
        }
    }
}
