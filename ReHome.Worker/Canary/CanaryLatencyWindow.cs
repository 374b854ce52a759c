using Microsoft.Extensions.Options;

namespace ReHome.Worker.Canary;

/// <summary>The canary's recent latencies, for the p95 the health check compares with the runbook's bar.</summary>
internal sealed class CanaryLatencyWindow(IOptions<CanaryOptions> options, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Queue<(long At, double Milliseconds)> _samples = new();
    private long? _lastDelivery;

    public void Record(double milliseconds)
    {
        lock (_gate)
        {
            _samples.Enqueue((time.GetTimestamp(), milliseconds));
            _lastDelivery = time.GetTimestamp();
            Prune();
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

            var sorted = _samples.Select(sample => sample.Milliseconds).Order().ToArray();
            return (sorted[Math.Clamp((int)Math.Ceiling(0.95 * sorted.Length) - 1, 0, sorted.Length - 1)], sorted.Length);
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
