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
/// this removes what a longer setting, or a stream written without a run, leaves.
/// </summary>
internal sealed class KeptAnswerCleaner(IConnectionMultiplexer redis, TimeProvider time)
{
    /// <summary>The answers removed (or, in a dry run, that would be), batch by batch as they go.</summary>
    public async IAsyncEnumerable<OrphanedAnswer> RunAsync(
        TimeSpan olderThan, bool dryRun, int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.AnswerPrefix, batchSize, cancellationToken))
        {
            var now = time.GetUtcNow();
            var orphans = await FindOrphansAsync(database, batch, now);
            var candidates = orphans.Where(orphan => orphan.EndedAgo >= olderThan).ToArray();
            if (dryRun)
            {
                foreach (var orphan in candidates)
                {
                    yield return orphan;
                }

                continue;
            }

            var cutoff = (now - olderThan).ToUnixTimeMilliseconds();
            var removals = database.CreateBatch();
            var pending = candidates.Select(orphan => (Orphan: orphan, Outcome: removals.ScriptEvaluateAsync(
                CleanupScripts.RemoveAnswer,
                [Keys.Answer(orphan.Stream), Keys.Run(orphan.RunId), Keys.Seq(orphan.Stream), Keys.Done(orphan.Stream), Keys.ThreadStreams(orphan.Stream.ThreadId)],
                [cutoff, orphan.Stream.StreamId, orphan.RunId]))).ToArray();
            removals.Execute();

            foreach (var removal in pending)
            {
                if ((long)await removal.Outcome == 1)
                {
                    yield return removal.Orphan;
                }
            }
        }
    }

    /// <summary>The answers of <paramref name="streams"/> whose run record no longer exists, in one round trip each for answers and runs.</summary>
    private static async Task<IReadOnlyList<OrphanedAnswer>> FindOrphansAsync(IDatabase database, IReadOnlyList<StreamRef> streams, DateTimeOffset now)
    {
        var reads = database.CreateBatch();
        var answers = streams.Select(stream => (Stream: stream, Fields: reads.HashGetAsync(Keys.Answer(stream), [AnswerFields.RunId, AnswerFields.EndedAt]))).ToArray();
        reads.Execute();

        var kept = new List<(StreamRef Stream, string RunId, long EndedAt)>(answers.Length);
        foreach (var answer in answers)
        {
            var fields = await answer.Fields;
            if (!fields[0].IsNull && fields[1].TryParse(out long endedAt))
            {
                kept.Add((answer.Stream, (string)fields[0]!, endedAt));
            }
        }

        var checks = database.CreateBatch();
        var runs = kept.Select(answer => checks.KeyExistsAsync(Keys.Run(answer.RunId))).ToArray();
        checks.Execute();

        var orphans = new List<OrphanedAnswer>();
        for (var i = 0; i < kept.Count; i++)
        {
            if (!await runs[i])
            {
                orphans.Add(new OrphanedAnswer(kept[i].Stream, kept[i].RunId, now - DateTimeOffset.FromUnixTimeMilliseconds(kept[i].EndedAt)));
            }
        }

        return orphans;
    }
}
