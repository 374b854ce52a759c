using System.Diagnostics;
using ReHome.Streaming.Telemetry;
using StackExchange.Redis;

namespace ReHome.Worker.Queue;

/// <summary>
/// A job taken from the queue: the run to execute, and where its entry sits. <see cref="TakenAt"/>
/// (a <see cref="TimeProvider"/> timestamp) is when taking it reset its idle time: the lease's
/// write window starts there. <see cref="Origin"/> is the span that queued the run (the API's request),
/// or <c>default</c> when nothing was traced; <see cref="TraceParent"/>/<see cref="TraceState"/> are the
/// entry's fields it was read from, kept as they are for the dead letter.
/// </summary>
internal sealed record QueueJob(
    string RunId, string Priority, RedisKey QueueKey, RedisValue EntryId, bool TakenOver, DateTimeOffset EnqueuedAt, long TakenAt,
    string TraceParent, string TraceState)
{
    public ActivityContext Origin { get; } = RunTracing.Parse(TraceParent, TraceState);
}
