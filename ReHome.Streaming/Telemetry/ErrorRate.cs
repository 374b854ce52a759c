using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Health;

namespace ReHome.Streaming.Telemetry;

/// <summary>Errors this process recorded within the alert window (the runbook's "errors per 5 minutes").</summary>
public sealed class ErrorRate(IOptions<AlertOptions> options, TimeProvider time)
{
    private readonly ConcurrentQueue<long> _errors = new();

    public void Record()
    {
        _errors.Enqueue(time.GetTimestamp());
        Prune();
    }

    public int CountInWindow()
    {
        Prune();
        return _errors.Count;
    }

    private void Prune()
    {
        var window = options.Value.ErrorWindow;
        while (_errors.TryPeek(out var oldest) && time.GetElapsedTime(oldest) > window)
        {
            _errors.TryDequeue(out _);
        }
    }
}
