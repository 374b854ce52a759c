using System.Diagnostics;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Streams;

namespace ReHome.Benchmarks;

/// <summary>Counts what one client receives of one stream: latency per token, losses, duplicates, delivered rate.</summary>
internal sealed class Receiver
{
    private readonly object _gate = new();
    private string _streamId = string.Empty;
    private bool[] _seen = [];
    private long _firstArrival;
    private long _lastArrival;
    private TaskCompletionSource _allReceived = new();

    public List<double> Latencies { get; } = [];

    public int Count { get; private set; }

    public int Duplicates { get; private set; }

    public Task AllReceived => _allReceived.Task;

    public double DeliveredPerSecond =>
        Count < 2 ? double.NaN : (Count - 1) / Stopwatch.GetElapsedTime(_firstArrival, _lastArrival).TotalSeconds;

    public void Reset(string streamId, int expected)
    {
        lock (_gate)
        {
            _streamId = streamId;
            _seen = new bool[expected + 1];
            Latencies.Clear();
            Count = Duplicates = 0;
            _allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Accept(TokenEvent token)
    {
        var arrivedAt = UnixTime.Milliseconds(DateTimeOffset.UtcNow);
        var arrival = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            if (token.StreamId != _streamId || token.Seq >= _seen.Length)
            {
                return;
            }

            if (_seen[token.Seq])
            {
                Duplicates++;
                return;
            }

            _seen[token.Seq] = true;
            Latencies.Add(arrivedAt - token.EmittedAt);
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
}
