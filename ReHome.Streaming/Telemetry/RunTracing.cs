using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Telemetry;

/// <summary>
/// One trace per run: the API's request span is written into the run's queue entry (W3C
/// <c>traceparent</c> / <c>tracestate</c>, <see cref="QueueFields"/>) and the worker's span of the run
/// continues it. The format belongs to <see cref="DistributedContextPropagator"/>, as it does for
/// ASP.NET Core and HttpClient; this class only moves its fields in and out of the entry.
/// </summary>
public static class RunTracing
{
    /// <summary>ReHome's own spans (registered with OpenTelemetry by ServiceDefaults).</summary>
    public static readonly ActivitySource Source = new(ReHomeTelemetry.ActivitySourceName);

    /// <summary>Attribute names of ReHome's spans.</summary>
    public static class Tags
    {
        public const string RunId = "rehome.run.id";
        public const string ThreadId = "rehome.thread.id";
        public const string StreamId = "rehome.stream.id";
        public const string Priority = "rehome.run.priority";
        public const string Attempt = "rehome.run.attempt";
        public const string Outcome = "rehome.run.outcome";
        public const string Tokens = "rehome.run.tokens";
        public const string FirstTokenMs = "rehome.run.first_token_ms";
        public const string QueueWaitMs = "rehome.queue.wait_ms";
        public const string TakenOver = "rehome.queue.taken_over";
        public const string StreamStatus = "rehome.stream.status";
        public const string LastSeq = "rehome.stream.last_seq";
        public const string Seq = "rehome.stream.seq";
        public const string Reason = "rehome.reason";
    }

    /// <summary>The current span's context as the queue entry's fields; empty strings when nothing is traced.</summary>
    public static (string TraceParent, string TraceState) CaptureCurrent()
    {
        var fields = (TraceParent: string.Empty, TraceState: string.Empty);
        if (Activity.Current is { } current)
        {
            DistributedContextPropagator.Current.Inject(current, null, (_, name, value) =>
            {
                if (name == QueueFields.TraceParent)
                {
                    fields.TraceParent = value ?? string.Empty;
                }
                else if (name == QueueFields.TraceState)
                {
                    fields.TraceState = value ?? string.Empty;
                }
            });
        }

        return fields;
    }

    /// <summary>The context a queue entry carries, or <c>default</c> (none, or not valid) — then the run's span starts a trace of its own.</summary>
    public static ActivityContext Parse(string? traceParent, string? traceState)
    {
        if (string.IsNullOrEmpty(traceParent))
        {
            return default;
        }

        DistributedContextPropagator.Current.ExtractTraceIdAndState(
            (traceParent, traceState),
            static (carrier, name, out value, out values) =>
            {
                var (parent, state) = ((string?, string?))carrier!;
                values = null;
                value = name == QueueFields.TraceParent ? parent : name == QueueFields.TraceState ? state : null;
            },
            out var id,
            out var stateOut);
        return ActivityContext.TryParse(id, stateOut, isRemote: true, out var context) ? context : default;
    }
}
