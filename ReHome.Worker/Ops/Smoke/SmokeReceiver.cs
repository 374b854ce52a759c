using ReHome.Client;
using ReHome.Contracts;

namespace ReHome.Worker.Ops.Smoke;

/// <summary>
/// What the smoke test makes of its stream as a <see cref="ReHomeClient"/> hands it on: the tokens shown
/// (each once, in order, with its latency), how often each seq came live — once is right, more means the
/// live path sent it twice — which seqs only came by replay (the live path lost them; the client recovered
/// them), and the end, once every token up to it was shown.
/// </summary>
internal sealed class SmokeReceiver(string streamId)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, int> _liveArrivals = [];
    private readonly HashSet<long> _shownByReplay = [];
    private readonly List<double> _latencies = [];
    private readonly TaskCompletionSource<StreamEndedEvent> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<StreamEndedEvent> Ended => _ended.Task;

    public int Received
    {
        get { lock (_gate) { return _latencies.Count; } }
    }

    public ThreadHandlers Handlers => new()
    {
        OnToken = token => Take(token, shown: true),
        OnDuplicate = token => Take(token, shown: false),
        OnEnded = ended =>
        {
            if (ended.StreamId == streamId)
            {
                _ended.TrySetResult(ended);
            }
        },
    };

    public SmokeResult Result(int sent)
    {
        lock (_gate)
        {
            var received = _latencies.Count;
            var duplicated = _liveArrivals.Values.Sum(arrivals => arrivals - 1);
            var onlyByReplay = _shownByReplay.Count(seq => !_liveArrivals.ContainsKey(seq));
            return new SmokeResult(sent, received, Math.Max(0, sent - received), duplicated, onlyByReplay, LatencySummary.Of(_latencies));
        }
    }

    private void Take(ReceivedToken token, bool shown)
    {
        if (token.Event.StreamId != streamId)
        {
            return;
        }

        var seq = token.Event.Seq;
        lock (_gate)
        {
            if (!token.Replayed)
            {
                _liveArrivals[seq] = _liveArrivals.GetValueOrDefault(seq) + 1;
            }

            if (shown)
            {
                _latencies.Add(token.Latency.TotalMilliseconds);
                if (token.Replayed)
                {
                    _shownByReplay.Add(seq);
                }
            }
        }
    }
}

/// <summary>
/// A smoke run's outcome: tokens shown of those sent, lost (never shown), extra live copies, and those
/// that never came live, only by the client's replay.
/// </summary>
internal sealed record SmokeResult(int Sent, int Received, int Lost, int Duplicated, int RecoveredByReplay, LatencySummary Latency);
