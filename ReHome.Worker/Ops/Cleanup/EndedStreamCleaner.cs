using System.Runtime.CompilerServices;
using ReHome.Streaming.Streams;
using ReHome.Worker.Ops.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>
/// The runbook's <c>redis-cli --scan --pattern "ai:done:*" | xargs redis-cli del</c>, made safe: it
/// scans in batches, removes only streams that have ended (never a live one) and ended long enough
/// ago, and removes all of a stream's data, not just its end record — except its kept answer (and its
/// place in the thread) while the stream's run is kept: that goes with the run (<see cref="KeptAnswerCleaner"/>).
/// The removal is the stream's own (<see cref="StreamingService.RemoveEndedAsync"/>).
/// </summary>
internal sealed class EndedStreamCleaner(IConnectionMultiplexer redis, StreamLog log, StreamingService streaming, TimeProvider time)
{
    /// <summary>The streams removed (or, in a dry run, that would be), batch by batch as they go.</summary>
    public async IAsyncEnumerable<EndedStream> RunAsync(
        TimeSpan olderThan, bool dryRun, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inventory = new StreamInventory(redis, log, time);
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.DonePrefix, batchSize, cancellationToken))
        {
            var candidates = (await inventory.ReadEndedAsync(batch))
                .Where(stream => !stream.IsLive && stream.EndedAgo is { } ago && ago >= olderThan)
                .ToArray();
            if (dryRun)
            {
                foreach (var stream in candidates)
                {
                    yield return stream;
                }

                continue;
            }

            var removed = await streaming.RemoveEndedAsync(candidates.Select(stream => (stream.Stream, stream.RunId)), time.GetUtcNow() - olderThan);
            for (var i = 0; i < candidates.Length; i++)
            {
                if (removed[i])
                {
                    yield return candidates[i];
                }
            }
        }
    }
}
