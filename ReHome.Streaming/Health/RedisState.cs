using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Health;

/// <summary>What the alerts and gauges read from Redis: live and stuck streams, INFO's memory, ops/s and hit ratio, and the eviction policy.</summary>
public sealed class RedisState(IConnectionMultiplexer redis, IOptions<AlertOptions> options, TimeProvider time)
{
    public sealed record Info(long UsedMemoryBytes, long OpsPerSecond, double? KeyspaceHitRatio);

    /// <summary>Live streams: one entry in <c>ai:active</c> per <c>ai:seq:*</c> key, counted in O(1) instead of a SCAN.</summary>
    public Task<long> LiveStreamsAsync() => redis.GetDatabase().SortedSetLengthAsync(Keys.Active);

    /// <summary>Live streams without a token for longer than <see cref="AlertOptions.StuckAfter"/>.</summary>
    public Task<long> StuckStreamsAsync() =>
        redis.GetDatabase().SortedSetLengthAsync(Keys.Active, double.NegativeInfinity, (time.GetUtcNow() - options.Value.StuckAfter).ToUnixTimeMilliseconds());

    /// <summary>Recently ended streams (<c>ai:done:*</c>), counted with SCAN — for gauges sampled now and then, not per request.</summary>
    public async Task<long> EndedStreamsAsync()
    {
        long count = 0;
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            await foreach (var _ in server.KeysAsync(pattern: Keys.DonePattern, pageSize: 1_000))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>What Redis does when it reaches <c>maxmemory</c>: only <see cref="NoEviction"/> keeps every key.</summary>
    public const string NoEviction = "noeviction";

    /// <summary>Redis's <c>maxmemory-policy</c>, from <c>INFO memory</c> (which managed Redis services allow where CONFIG GET is not).</summary>
    public async Task<string?> MaxMemoryPolicyAsync()
    {
        var server = redis.GetServers().First(server => server.IsConnected && !server.IsReplica);
        var memory = await server.InfoAsync("memory");
        return memory.SelectMany(section => section).FirstOrDefault(pair => pair.Key == "maxmemory_policy").Value;
    }

    public async Task<Info> ReadInfoAsync()
    {
        var server = redis.GetServers().First(server => server.IsConnected && !server.IsReplica);
        var sections = await server.InfoAsync();
        var values = sections.SelectMany(section => section).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        long Number(string name) => values.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

        var hits = Number("keyspace_hits");
        var misses = Number("keyspace_misses");
        return new Info(Number("used_memory"), Number("instantaneous_ops_per_sec"), hits + misses == 0 ? null : hits / (double)(hits + misses));
    }
}
