using System.Diagnostics.Metrics;
using ReHome.Contracts;

namespace ReHome.Client;

/// <summary>
/// The counts behind <see cref="ClientStatistics"/>, shared by a client and its subscriptions, and the same
/// as instruments of the <see cref="ReHomeClientOptions.MeterName"/> meter for OpenTelemetry.
/// </summary>
internal sealed class ClientCounters : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _reconnectCounter;
    private readonly Counter<long> _resyncCounter;
    private readonly Counter<long> _replayCounter;
    private readonly Counter<long> _duplicateCounter;
    private readonly Histogram<double> _latency;
    private long _connects;
    private long _resyncs;
    private long _replays;
    private long _duplicatesDropped;

    public ClientCounters(IMeterFactory? meterFactory)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(ReHomeClientOptions.MeterName) ?? new Meter(ReHomeClientOptions.MeterName);
        _reconnectCounter = _meter.CreateCounter<long>("rehome.client.reconnects", "{connection}", "Connections made after a client's first");
        _resyncCounter = _meter.CreateCounter<long>("rehome.client.resyncs", "{event}", "agent.resync events received");
        _replayCounter = _meter.CreateCounter<long>("rehome.client.replays", "{call}", "Replay calls made to catch a stream up");
        _duplicateCounter = _meter.CreateCounter<long>("rehome.client.duplicates.dropped", "{token}", "Tokens dropped as already handed on");
        _latency = _meter.CreateHistogram(
            "rehome.client.token.latency",
            unit: "ms",
            description: "Emit-to-receive latency of tokens that arrived live",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryLatency.Buckets });
    }

    public void Connected()
    {
        if (Interlocked.Increment(ref _connects) > 1)
        {
            _reconnectCounter.Add(1);
        }
    }

    public void Resynced()
    {
        Interlocked.Increment(ref _resyncs);
        _resyncCounter.Add(1);
    }

    public void Replayed()
    {
        Interlocked.Increment(ref _replays);
        _replayCounter.Add(1);
    }

    public void DuplicateDropped()
    {
        Interlocked.Increment(ref _duplicatesDropped);
        _duplicateCounter.Add(1);
    }

    /// <summary>A token handed on; only live ones say how long delivery takes (a replayed one's latency is its age).</summary>
    public void HandedOn(ReceivedToken token)
    {
        if (!token.Replayed)
        {
            _latency.Record(token.Latency.TotalMilliseconds);
        }
    }

    public ClientStatistics Snapshot() => new(
        Math.Max(0, Interlocked.Read(ref _connects) - 1),
        Interlocked.Read(ref _resyncs),
        Interlocked.Read(ref _replays),
        Interlocked.Read(ref _duplicatesDropped));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
