namespace ReHome.Streaming.Health;

/// <summary>What an evicting <c>maxmemory-policy</c> costs, said once for the health check and the start-up warning.</summary>
internal static class EvictionPolicy
{
    public static string Problem(string policy) =>
        $"Redis maxmemory-policy is {policy}: when memory fills Redis evicts keys, silently losing stream logs, sequence counters and queued jobs. " +
        $"Set maxmemory-policy {RedisState.NoEviction} (redis.conf, CONFIG SET, or the managed service's parameter group).";
}
