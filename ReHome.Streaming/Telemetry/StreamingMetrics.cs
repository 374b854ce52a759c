using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace ReHome.Streaming.Telemetry;

/// <summary>ReHome's streaming instruments, on the <see cref="ReHomeTelemetry.MeterName"/> meter.</summary>
public sealed class StreamingMetrics
{
    public const string TokensEmittedName = "rehome.tokens.emitted";
    public const string StreamsEndedName = "rehome.streams.ended";
    public const string ErrorsName = "rehome.errors";
    public const string StreamsReapedName = "rehome.streams.reaped";

    private readonly Counter<long> _tokensEmitted;
    private readonly Counter<long> _streamsEnded;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _streamsReaped;

    public StreamingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(ReHomeTelemetry.MeterName);
        _tokensEmitted = meter.CreateCounter<long>(TokensEmittedName, "{token}", "Tokens appended to stream logs and broadcast");
        _streamsEnded = meter.CreateCounter<long>(StreamsEndedName, "{stream}", "Streams ended, by final status");
        _errors = meter.CreateCounter<long>(ErrorsName, "{error}", "Errors, by component");
        _streamsReaped = meter.CreateCounter<long>(StreamsReapedName, "{stream}", "Stuck streams aborted by the reaper");
    }

    public void TokenEmitted() => _tokensEmitted.Add(1);

    public void StreamEnded(string status) => _streamsEnded.Add(1, new KeyValuePair<string, object?>("status", status));

    public void StreamReaped() => _streamsReaped.Add(1);

    public void Error(string component) => _errors.Add(1, new KeyValuePair<string, object?>("component", component));
}
