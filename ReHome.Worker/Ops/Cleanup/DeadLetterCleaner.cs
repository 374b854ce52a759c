using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>
/// Removes dead letters older than <c>Queue:DeadLetterRetention</c> from the queue's dead-letter
/// stream (XTRIM MINID: entry ids start with the time they were added, in Unix ms).
/// </summary>
internal sealed class DeadLetterCleaner(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>How many dead letters were (or, in a dry run, would be) removed.</summary>
    public async Task<long> RunAsync(string queueName, TimeSpan olderThan, bool dryRun, int batchSize)
    {
        var database = redis.GetDatabase();
        var key = Keys.DeadLetters(queueName);
        var cutoff = (time.GetUtcNow() - olderThan).ToUnixTimeMilliseconds();
        if (!dryRun)
        {
            return await database.StreamTrimByMinIdAsync(key, $"{cutoff}-0");
        }

        long count = 0;
        RedisValue from = "-";
        while (true)
        {
            var entries = await database.StreamRangeAsync(key, from, $"{cutoff - 1}", count: batchSize);
            count += entries.Length;
            if (entries.Length < batchSize)
            {
                return count;
            }

            from = "(" + entries[^1].Id;
        }
    }
}
