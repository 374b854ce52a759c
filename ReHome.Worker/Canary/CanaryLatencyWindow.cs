using Microsoft.Extensions.Options;
using ReHome.Client;

namespace ReHome.Worker.Canary;

/// <summary>
/// The canary's recent latencies, for the p95 the health check compares with the runbook's bar. The
/// first <see cref="CanaryOptions.WarmUpRounds"/> rounds are not kept: they time JIT compilation, not delivery.
/// </summary>
internal sealed class CanaryLatencyWindow(IOptions<CanaryOptions> options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Queue<(long At, double Milliseconds)> _samples = new();
    private long? _lastDelivery;
    private int _rounds;
    private bool _roundDelivered;

    /// <summary>
    /// A new round starts: the tokens recorded from now on belong to it. A round that delivered nothing
    /// (Redis or the API away) is not counted, so warm-up ends only after rounds that really delivered.
    /// </summary>
    public void BeginRound()
    {
        lock (_gate)
        {
            if (_rounds == 0 || _roundDelivered)
            {
                _rounds++;
            }

            _roundDelivered = false;
        }
    }

    /// <summary>Whether the canary is still in its warm-up rounds, whose latencies are discarded.</summary>
    public bool IsWarmingUp
    {
        get
        {
            lock (_gate)
            {
                return _rounds <= options.Value.WarmUpRounds;
            }
        }
    }

    /// <summary>Records a delivered token; false when its latency was discarded as warm-up.</summary>
    public bool Record(double milliseconds)
    {
        lock (_gate)
        {
            _lastDelivery = time.GetTimestamp();
            _roundDelivered = true;
            if (_rounds <= options.Value.WarmUpRounds)
            {
                return false;
            }

            _samples.Enqueue((time.GetTimestamp(), milliseconds));
            Prune();
            return true;
        }
    }

    /// <summary>The p95 over the window and how many samples it rests on; null without samples.</summary>
    public (double P95, int Count)? Percentile95()
    {
        lock (_gate)
        {
            Prune();
            if (_samples.Count == 0)
            {
                return null;
            }

            var summary = LatencySummary.Of(_samples.Select(sample => sample.Milliseconds));
            return (summary.P95, summary.Count);
        }
    }

    /// <summary>How long since the canary last received a token; null if it never has.</summary>
    public TimeSpan? SinceLastDelivery()
    {
        lock (_gate)
        {
            return _lastDelivery is { } last ? time.GetElapsedTime(last) : null;
        }
    }

    private void Prune()
    {
        while (_samples.TryPeek(out var oldest) && time.GetElapsedTime(oldest.At) > options.Value.Window)
        {
            _samples.Dequeue();
        }
    }
}
