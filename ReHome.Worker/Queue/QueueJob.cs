using System.Diagnostics;
using StackExchange.Redis;

namespace ReHome.Worker.Queue;

/// <summary>
/// A job taken from the queue: the run to execute, and where its entry sits. <see cref="TakenAt"/>
/// (a <see cref="TimeProvider"/> timestamp) is when taking it reset its idle time: the lease's
/// write window starts there. <see cref="Origin"/> is the span that queued the run (the API's request),
/// or <c>default</c> when nothing was traced.
/// </summary>
internal sealed record QueueJob(
    string RunId, string Priority, RedisKey QueueKey, RedisValue EntryId, bool TakenOver, DateTimeOffset EnqueuedAt, long TakenAt, ActivityContext Origin);
