using ReHome.Streaming.Naming;
using ReHome.Streaming.Threads;
using StackExchange.Redis;

namespace ReHome.Worker.Canary;

/// <summary>
/// The one thread every worker's canary streams into (its id in <see cref="StreamNames.Keys.CanaryThread"/>),
/// so worker starts do not leave a new thread behind each time. Each canary writes a stream of its own in it.
/// </summary>
internal sealed class CanaryThread(IConnectionMultiplexer redis, ThreadStore threads)
{
    /// <summary>The stored thread while it still exists; otherwise a new one, stored unless another worker stored one first.</summary>
    public async Task<AgentThread> GetOrCreateAsync()
    {
        var database = redis.GetDatabase();
        while (true)
        {
            var stored = await database.StringGetAsync(StreamNames.Keys.CanaryThread);
            if (!stored.IsNullOrEmpty && await threads.GetOwnedAsync(stored!, LatencyCanary.UserId) is { } existing)
            {
                return existing;
            }

            var created = await threads.CreateAsync(LatencyCanary.UserId, "latency canary");
            var swap = database.CreateTransaction();
            swap.AddCondition(stored.IsNull ? Condition.KeyNotExists(StreamNames.Keys.CanaryThread) : Condition.StringEqual(StreamNames.Keys.CanaryThread, stored));
            _ = swap.StringSetAsync(StreamNames.Keys.CanaryThread, created.Id);
            if (await swap.ExecuteAsync())
            {
                return created;
            }

            // Another worker stored its thread meanwhile: use that one (ours stays empty and unused).
        }
    }
}
