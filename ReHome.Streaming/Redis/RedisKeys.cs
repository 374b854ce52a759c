namespace ReHome.Streaming.Redis;

/// <summary>
/// Every Redis key ReHome reads or writes is built here, and nowhere else. Operators rely on
/// <c>ai:seq:*</c> (one per live stream) and <c>ai:done:*</c> (recently ended streams); the rest
/// is internal.
/// </summary>
public static class RedisKeys
{
    /// <summary>The connection name of Redis in configuration (<c>ConnectionStrings:redis</c>).</summary>
    public const string ConnectionName = "redis";

    /// <summary>Heartbeat of one worker process, expiring when the worker stops beating.</summary>
    public static string WorkerHeartbeat(string workerId) => $"ai:worker:{workerId}";
}
