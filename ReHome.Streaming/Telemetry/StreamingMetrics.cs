using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using ReHome.Contracts;

namespace ReHome.Streaming.Telemetry;

/// <summary>
/// ReHome's streaming instruments, on the <see cref="ReHomeTelemetry.MeterName"/> meter: what is
/// written, what ends how, how long delivery takes, and what goes wrong where.
/// </summary>
public sealed class StreamingMetrics
{
    public const string TokensEmittedName = "rehome.tokens.emitted";
    public const string StreamsEndedName = "rehome.streams.ended";
    public const string StreamsReapedName = "rehome.streams.reaped";
    public const string DeliveryLatencyName = "rehome.tokens.delivery.latency";
    public const string ErrorsName = "rehome.errors";
    public const string HubConnectionsName = "rehome.hub.connections";

    private readonly Counter<long> _tokensEmitted;
    private readonly Counter<long> _streamsEnded;
    private readonly Counter<long> _streamsReaped;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Counter<long> _errors;
    private readonly UpDownCounter<long> _hubConnections;
    private readonly ErrorRate _errorRate;

    public StreamingMetrics(IMeterFactory meterFactory, ErrorRate errorRate)
    {
        _errorRate = errorRate;
        var meter = meterFactory.Create(ReHomeTelemetry.MeterName);
        _tokensEmitted = meter.CreateCounter<long>(TokensEmittedName, "{token}", "Tokens appended to stream logs and broadcast");
        _streamsEnded = meter.CreateCounter<long>(StreamsEndedName, "{stream}", "Streams ended, by final status");
        _streamsReaped = meter.CreateCounter<long>(StreamsReapedName, "{stream}", "Stuck streams aborted by the reaper");
        _deliveryLatency = meter.CreateHistogram(
            DeliveryLatencyName,
            unit: "ms",
            description: "Emit-to-receive latency of tokens, measured by the canary subscribed like a browser",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DeliveryLatency.Buckets });
        _errors = meter.CreateCounter<long>(ErrorsName, "{error}", "Errors, by component");
        _hubConnections = meter.CreateUpDownCounter<long>(HubConnectionsName, "{connection}", "SignalR connections open on this API instance");
    }

    public void TokensEmitted(long count) => _tokensEmitted.Add(count);

    public void StreamEnded(string status) => _streamsEnded.Add(1, new KeyValuePair<string, object?>("status", status));

    public void StreamReaped() => _streamsReaped.Add(1);

    public void TokenDelivered(double milliseconds) => _deliveryLatency.Record(milliseconds);

    public void Error(string component)
    {
        _errors.Add(1, new KeyValuePair<string, object?>("component", component));
        _errorRate.Record();
    }

    public void HubConnected() => _hubConnections.Add(1);

    public void HubDisconnected() => _hubConnections.Add(-1);
}
