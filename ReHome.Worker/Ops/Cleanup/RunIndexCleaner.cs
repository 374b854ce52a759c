using System.Runtime.CompilerServices;
using ReHome.Streaming.Runs;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>
/// Walks every thread's run index (SCAN, in batches) and drops the entries of runs whose record has
/// expired (<c>Runs:Retention</c> after they finished), through <see cref="RunIndex"/>, which owns the
/// index. A queued or running run's record never expires, so its entry always stays.
/// </summary>
internal sealed class RunIndexCleaner(IConnectionMultiplexer redis, RunIndex runs)
{
    /// <summary>Each thread with expired entries, and how many were (or, in a dry run, would be) removed.</summary>
    public async IAsyncEnumerable<(string ThreadId, int Removed)> RunAsync(
        bool dryRun, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase().Database;
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            var pattern = Keys.ThreadPrefix + "*" + Keys.ThreadRunsSuffix;
            await foreach (var key in server.KeysAsync(database, pattern, batchSize).WithCancellation(cancellationToken))
            {
                if (Keys.ThreadOfRunsIndex((string)key!) is { } threadId && await runs.TrimAsync(threadId, batchSize, dryRun) is > 0 and var removed)
                {
                    yield return (threadId, removed);
                }
            }
        }
    }
}
