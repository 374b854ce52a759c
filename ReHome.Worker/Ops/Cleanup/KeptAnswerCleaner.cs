using System.Runtime.CompilerServices;
using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>A stream's kept answer whose run is gone: the stream, the run that wrote it and how long ago it ended.</summary>
internal sealed record OrphanedAnswer(StreamRef Stream, string RunId, TimeSpan EndedAgo);

/// <summary>
/// Walks the kept answers (<c>ai:answer:*</c>, SCAN in batches) and removes those whose run is gone and
/// that ended longer ago than the cutoff, with the stream's place in its thread: an answer lives as long
/// as its run. By default they expire with it (<c>Streaming:AnswerRetention</c> is <c>Runs:Retention</c>);
/// this removes what a longer setting, or a stream written without a run, leaves. The answers are read and removed
/// through the stream's own API (<see cref="StreamLog.GetRecordsAsync"/>, <see cref="StreamingService.RemoveAnswersAsync"/>).
/// </summary>
internal sealed class KeptAnswerCleaner(IConnectionMultiplexer redis, StreamLog log, StreamingService streaming, TimeProvider time)
{
    /// <summary>The answers removed (or, in a dry run, that would be), batch by batch as they go.</summary>
    public async IAsyncEnumerable<OrphanedAnswer> RunAsync(
        TimeSpan olderThan, bool dryRun, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.AnswerPrefix, batchSize, cancellationToken))
        {
            var now = time.GetUtcNow();
            var orphans = await FindOrphansAsync(database, await log.GetRecordsAsync(batch), now);
            var candidates = orphans.Where(orphan => orphan.EndedAgo >= olderThan).ToArray();
            if (dryRun)
            {
                foreach (var orphan in candidates)
                {
                    yield return orphan;
                }

                continue;
            }

            var removed = await streaming.RemoveAnswersAsync(candidates.Select(orphan => (orphan.Stream, orphan.RunId)), now - olderThan);
            for (var i = 0; i < candidates.Length; i++)
            {
                if (removed[i])
                {
                    yield return candidates[i];
                }
            }
        }
    }

    /// <summary>The kept answers among <paramref name="records"/> whose run record no longer exists, in one round trip.</summary>
    private static async Task<IReadOnlyList<OrphanedAnswer>> FindOrphansAsync(IDatabase database, IReadOnlyList<StreamRecord> records, DateTimeOffset now)
    {
        var kept = records
            .Where(record => record.AnswerRunId is not null && record.AnswerEndedAt is not null)
            .Select(record => (record.State.Stream, RunId: record.AnswerRunId!, EndedAt: record.AnswerEndedAt!.Value))
            .ToArray();

        var checks = database.CreateBatch();
        var runs = kept.Select(answer => checks.KeyExistsAsync(Keys.Run(answer.RunId))).ToArray();
        checks.Execute();

        var orphans = new List<OrphanedAnswer>();
        for (var i = 0; i < kept.Length; i++)
        {
            if (!await runs[i])
            {
                orphans.Add(new OrphanedAnswer(kept[i].Stream, kept[i].RunId, now - kept[i].EndedAt));
            }
        }

        return orphans;
    }
}
