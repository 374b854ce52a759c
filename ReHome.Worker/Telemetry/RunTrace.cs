using System.Diagnostics;
using ReHome.Contracts;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Telemetry;
using ReHome.Worker.Queue;
using Tags = ReHome.Streaming.Telemetry.RunTracing.Tags;

namespace ReHome.Worker.Telemetry;

/// <summary>
/// The span of one job on this worker, <c>run execute</c>: a messaging consumer span whose parent is
/// the span that queued the run (the API's request, carried in the queue entry), so a run is one trace
/// from the request to the end of its stream. It holds the run's attributes, an event at the first
/// token written and at the stream's end, one per failed attempt, and the outcome.
/// </summary>
/// <remarks>
/// The span is current while the worker handles the job (its log lines carry the trace id) and inside
/// the provider call (<see cref="EnterProviderCall"/>), where the chat client's <c>gen_ai</c> span takes
/// it as parent; not while tokens are written (<see cref="LeaveForTokenWriting"/>), so nothing on the
/// per-token path (a metric's exemplar, any instrumentation) sees a span: no trace work per token.
/// A parent, not a link: one request queues exactly one job and waits on nothing else, and a
/// run read as one trace is what an operator looks for; an attempt taken over by another worker is
/// another <c>run execute</c> under the same parent. No span of its own for taking the job: a take is
/// one Redis call, and the wait before it is here (<c>rehome.queue.wait_ms</c>, the gap after the request).
/// </remarks>
internal sealed class RunTrace : IDisposable
{
    public const string ExecuteSpanName = "run execute";
    public const string FirstTokenEvent = "first token";
    public const string StreamEndedEvent = "stream ended";

    private readonly Activity? _activity;
    private readonly Activity? _ambient;
    private readonly TimeProvider _time;
    private readonly long _started;
    private bool _firstTokenSeen;
    private int _attempt;

    private RunTrace(Activity? activity, Activity? ambient, TimeProvider time)
    {
        (_activity, _ambient, _time, _started) = (activity, ambient, time, time.GetTimestamp());
    }

    public static RunTrace Start(QueueJob job, TimeProvider time)
    {
        var ambient = Activity.Current;
        var activity = RunTracing.Source.StartActivity(ActivityKind.Consumer, job.Origin, name: ExecuteSpanName, tags:
        [
            new("messaging.system", "redis"),
            new("messaging.operation.type", "process"),
            new("messaging.destination.name", (string?)job.QueueKey),
            new("messaging.consumer.group.name", QueueOptions.ConsumerGroup),
            new("messaging.message.id", (string?)job.EntryId),
            new(Tags.RunId, job.RunId),
            new(Tags.Priority, job.Priority),
            new(Tags.TakenOver, job.TakenOver),
            new(Tags.QueueWaitMs, Math.Max(0, (time.GetUtcNow() - job.EnqueuedAt).TotalMilliseconds)),
        ]);
        return new RunTrace(activity, ambient, time);
    }

    public void Run(AgentRun run)
    {
        _activity?.SetTag(Tags.ThreadId, run.ThreadId);
        _activity?.SetTag(Tags.StreamId, run.StreamId);
    }

    public void Attempt(int attempt)
    {
        _attempt = attempt;
        _activity?.SetTag(Tags.Attempt, attempt);
    }

    /// <summary>The span is not current for the calling async method and what it calls: the writing of tokens.</summary>
    public void LeaveForTokenWriting() => Activity.Current = _ambient;

    /// <summary>Makes the span current for the calling async method and what it calls: the provider's reply.</summary>
    public void EnterProviderCall()
    {
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }
    }

    /// <summary>An attempt wrote its first token (once per attempt, never per token).</summary>
    public void FirstTokenWritten(long seq)
    {
        if (_activity is null)
        {
            return;
        }

        _activity.AddEvent(new ActivityEvent(FirstTokenEvent, tags: new ActivityTagsCollection { [Tags.Seq] = seq }));
        if (!_firstTokenSeen)
        {
            _firstTokenSeen = true;
            _activity.SetTag(Tags.FirstTokenMs, _time.GetElapsedTime(_started).TotalMilliseconds);
        }
    }

    /// <summary>The current attempt failed (an exception event; the provider's text stays in the log and here).</summary>
    public void AttemptFailed(Exception? exception)
    {
        if (_activity is not null && exception is not null)
        {
            _activity.AddException(exception, new TagList { { Tags.Attempt, _attempt } });
        }
    }

    public void StreamEnded(StreamEndedEvent ended)
    {
        if (_activity is null)
        {
            return;
        }

        _activity.SetTag(Tags.Tokens, ended.LastSeq);
        _activity.AddEvent(new ActivityEvent(StreamEndedEvent, tags: new ActivityTagsCollection
        {
            [Tags.StreamStatus] = ended.Status,
            [Tags.LastSeq] = ended.LastSeq,
            [Tags.Reason] = ended.Reason,
        }));
    }

    /// <summary>The job's outcome, as the <c>rehome.jobs</c> metric counts it; a run that failed marks the span an error.</summary>
    public void Finish(string outcome)
    {
        if (_activity is null)
        {
            return;
        }

        _activity.SetTag(Tags.Outcome, outcome);
        if (outcome is RunStatuses.Failed or "dead_lettered" or "lost")
        {
            _activity.SetStatus(ActivityStatusCode.Error);
        }
    }

    public void Dispose() => _activity?.Dispose();
}
