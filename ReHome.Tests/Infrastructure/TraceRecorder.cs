using System.Collections.Concurrent;
using System.Diagnostics;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Records the finished spans of one trace (<see cref="Follow"/>), from the given sources, in this
/// process: in-process api replicas and worker lanes. Other tests' spans (other traces) are not kept.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _finished = new();

    private ActivityTraceId _traceId;

    public TraceRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == _traceId)
                {
                    _finished.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans of the trace that have finished so far.</summary>
    public IReadOnlyList<Activity> Finished => [.. _finished];

    /// <summary>The trace followed (<see cref="Follow"/>).</summary>
    public ActivityTraceId TraceId => _traceId;

    /// <summary>Keeps the spans of this trace from now on.</summary>
    public void Follow(ActivityTraceId traceId) => _traceId = traceId;

    /// <summary>The first finished span that matches, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, TimeSpan timeout, string what) =>
        (await Eventually.MatchesAsync(() => Task.FromResult(_finished.FirstOrDefault(match)), span => span is not null, timeout, $"{what} (finished: {this})"))!;

    /// <summary>What has finished so far, as "source/name" (for failure messages).</summary>
    public override string ToString() => string.Join(", ", _finished.Select(span => $"{span.Source.Name}/{span.OperationName}"));

    public void Dispose() => _listener.Dispose();
}
