using System.Runtime.CompilerServices;
using ReHome.Worker.Ops.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>
/// The runbook's <c>redis-cli --scan --pattern "ai:done:*" | xargs redis-cli del</c>, made safe: it
/// scans in batches, removes only streams that have ended (never a live one) and ended long enough
/// ago, and removes all of a stream's data, not just its end record — except its kept answer (and its
/// place in the thread) while the stream's run is kept: that goes with the run (<see cref="KeptAnswerCleaner"/>).
/// </summary>
internal sealed class EndedStreamCleaner(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>The streams removed (or, in a dry run, that would be), batch by batch as they go.</summary>
    public async IAsyncEnumerable<EndedStream> RunAsync(
        TimeSpan olderThan, bool dryRun, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var inventory = new StreamInventory(redis, time);
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

            var cutoff = (time.GetUtcNow() - olderThan).ToUnixTimeMilliseconds();
            var removals = redis.GetDatabase().CreateBatch();
            var pending = candidates.Select(stream => (Stream: stream, Outcome: removals.ScriptEvaluateAsync(
                CleanupScripts.RemoveEnded,
                [
                    Keys.Done(stream.Stream), Keys.Seq(stream.Stream), Keys.Log(stream.Stream), Keys.Meta(stream.Stream),
                    Keys.ThreadStreams(stream.Stream.ThreadId), Keys.Answer(stream.Stream), Keys.Run(stream.RunId ?? string.Empty),
                ],
                [cutoff, stream.Stream.StreamId]))).ToArray();
            removals.Execute();

            foreach (var removal in pending)
            {
                if ((long)await removal.Outcome == CleanupScripts.Removed)
                {
                    yield return removal.Stream;
                }
            }
        }
    }
}
