using System.Runtime.CompilerServices;
using ReHome.Streaming.Streams;
using StackExchange.Redis;

namespace ReHome.Worker.Ops;

/// <summary>
/// Walks keys the way <c>redis-cli --scan --pattern</c> does: SCAN in pages on every primary, never
/// KEYS (which blocks Redis while it runs), handing them on in batches for pipelined reads.
/// </summary>
internal static class RedisScan
{
    /// <summary>Streams whose key (<paramref name="prefix"/> + <c>{threadId}:{streamId}</c>) exists, in batches of up to <paramref name="batchSize"/>.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<StreamRef>> StreamBatchesAsync(
        IConnectionMultiplexer redis, string prefix, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase().Database;
        var batch = new List<StreamRef>(batchSize);
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(database, prefix + "*", batchSize).WithCancellation(cancellationToken))
            {
                if (StreamRef.TryParseKey(((string)key!)[prefix.Length..], out var stream))
                {
                    batch.Add(stream);
                }

                if (batch.Count == batchSize)
                {
                    yield return batch;
                    batch = new List<StreamRef>(batchSize);
                }
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
