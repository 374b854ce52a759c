namespace ReHome.Worker.Telemetry;

/// <summary>The latest reading of Redis-wide state, taken by the worker that holds the sampler lease.</summary>
internal sealed record RedisStateSnapshot(
    DateTimeOffset TakenAt,
    long LiveStreams,
    long EndedStreams,
    long StuckStreams,
    IReadOnlyDictionary<string, long> QueueDepth,
    long RedisUsedMemoryBytes,
    long RedisOpsPerSecond,
    double? KeyspaceHitRatio);
