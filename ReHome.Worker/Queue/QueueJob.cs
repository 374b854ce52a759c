using StackExchange.Redis;

namespace ReHome.Worker.Queue;

/// <summary>A job taken from the queue: the run to execute, and where its entry sits.</summary>
internal sealed record QueueJob(string RunId, string Priority, RedisKey QueueKey, RedisValue EntryId, bool TakenOver, DateTimeOffset EnqueuedAt);
