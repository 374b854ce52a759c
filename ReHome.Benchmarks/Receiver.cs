using System.Diagnostics;
using ReHome.Client;

namespace ReHome.Benchmarks;

/// <summary>
/// Counts what one <see cref="ReHomeClient"/> subscription hands on of one stream: latency per live token
/// (<see cref="ReceivedToken.Latency"/>), tokens it had to replay (the live path missed them), duplicates
/// (the api sent a token twice, or the client handed one on twice), and the delivered rate.
/// </summary>
internal sealed class Receiver
{
    private readonly Lock _gate = new();
    private string _streamId = string.Empty;
    private bool[] _seen = [];
    private long _firstArrival;
    private long _lastArrival;
    private TaskCompletionSource _allReceived = new();

    public List<double> Latencies { get; } = [];

    /// <summary>Tokens handed on (each seq once).</summary>
    public int Count { get; private set; }

    /// <summary>Tokens handed on that came by <c>Replay</c>, not live.</summary>
    public int Replayed { get; private set; }

    public int Duplicates { get; private set; }

    public Task AllReceived => _allReceived.Task;

    public double DeliveredPerSecond =>
        Count < 2 ? double.NaN : (Count - 1) / Stopwatch.GetElapsedTime(_firstArrival, _lastArrival).TotalSeconds;

    /// <summary>What the subscription's handlers tell this receiver.</summary>
    public ThreadHandlers Handlers => new() { OnToken = Accept, OnDuplicate = Duplicate };

    public void Reset(string streamId, int expected)
    {
        lock (_gate)
        {
            _streamId = streamId;
            _seen = new bool[expected + 1];
            Latencies.Clear();
            Count = Replayed = Duplicates = 0;
            _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private void Accept(ReceivedToken token)
    {
        var arrival = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (token.Event.StreamId != _streamId || token.Event.Seq >= _seen.Length)
            {
                return;
            }

            if (_seen[token.Event.Seq])
            {
                Duplicates++; // the client handed a seq on twice
                return;
            }

            _seen[token.Event.Seq] = true;
            if (token.Replayed)
            {
                Replayed++; // its latency is its age, not the live path's
            }
            else
            {
                Latencies.Add(token.Latency.TotalMilliseconds);
            }

            _lastArrival = arrival;
            if (++Count == 1)
            {
                _firstArrival = arrival;
            }

            if (Count == _seen.Length - 1)
            {
                _allReceived.TrySetResult();
            }
        }
    }

    /// <summary>A replay overlapping live tokens drops a few as a matter of course; a live token dropped was sent twice.</summary>
    private void Duplicate(ReceivedToken token)
    {
        lock (_gate)
        {
            if (!token.Replayed && token.Event.StreamId == _streamId)
            {
                Duplicates++;
            }
        }
    }
}
