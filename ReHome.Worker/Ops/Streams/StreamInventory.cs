using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Streams;

/// <summary>A live stream: its <c>ai:seq</c> counter, and its last activity from <c>ai:active</c>.</summary>
internal sealed record LiveStream(StreamRef Stream, long LastSeq, string? RunId, TimeSpan? Idle);

/// <summary>An ended stream: its <c>ai:done</c> record and how long until it expires.</summary>
internal sealed record EndedStream(StreamRef Stream, string Status, long LastSeq, string? RunId, string? Reason, TimeSpan? EndedAgo, TimeSpan? ExpiresIn, bool IsLive);

/// <summary>Reads what Redis holds about streams, a batch at a time in one round trip.</summary>
internal sealed class StreamInventory(IConnectionMultiplexer redis, TimeProvider time)
{
    public const int BatchSize = 500;

    public async Task<IReadOnlyList<LiveStream>> LiveAsync(CancellationToken cancellationToken)
    {
        var live = new List<LiveStream>();
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.SeqPrefix, BatchSize, cancellationToken))
        {
            var reads = redis.GetDatabase().CreateBatch();
            var pending = batch.Select(stream => (
                Stream: stream,
                Seq: reads.StringGetAsync(Keys.Seq(stream)),
                Active: reads.SortedSetScoreAsync(Keys.Active, stream.Key),
                RunId: reads.HashGetAsync(Keys.Meta(stream), "runId"))).ToArray();
            reads.Execute();

            var now = time.GetUtcNow();
            foreach (var read in pending)
            {
                var (seq, lastActivity, runId) = (await read.Seq, await read.Active, await read.RunId);
                if (seq.HasValue)
                {
                    live.Add(new LiveStream(
                        read.Stream,
                        (long)seq,
                        (string?)runId,
                        lastActivity is { } activity ? now - DateTimeOffset.FromUnixTimeMilliseconds((long)activity) : null));
                }
            }
        }

        return live;
    }

    public async Task<IReadOnlyList<EndedStream>> EndedAsync(CancellationToken cancellationToken)
    {
        var ended = new List<EndedStream>();
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.DonePrefix, BatchSize, cancellationToken))
        {
            ended.AddRange(await ReadEndedAsync(batch));
        }

        return ended;
    }

    /// <summary>The end records of these streams (those that still have one), and whether each is, against all rules, also live.</summary>
    public async Task<IReadOnlyList<EndedStream>> ReadEndedAsync(IReadOnlyList<StreamRef> streams)
    {
        var reads = redis.GetDatabase().CreateBatch();
        var pending = streams.Select(stream => (
            Stream: stream,
            Done: reads.HashGetAsync(Keys.Done(stream), ["status", "lastSeq", "runId", "reason", "endedAt"]),
            Ttl: reads.KeyTimeToLiveAsync(Keys.Done(stream)),
            Live: reads.KeyExistsAsync(Keys.Seq(stream)))).ToArray();
        reads.Execute();

        // One round trip for the whole batch; each await below finds its answer already there.
        var now = time.GetUtcNow();
        var ended = new List<EndedStream>(pending.Length);
        foreach (var read in pending)
        {
            var done = await read.Done;
            var (ttl, live) = (await read.Ttl, await read.Live);
            if (!done[0].HasValue)
            {
                continue;
            }

            ended.Add(new EndedStream(
                read.Stream,
                (string)done[0]!,
                done[1].TryParse(out long lastSeq) ? lastSeq : 0,
                done[2].IsNullOrEmpty ? null : (string?)done[2],
                done[3].IsNullOrEmpty ? null : (string?)done[3],
                done[4].TryParse(out long endedAt) ? now - DateTimeOffset.FromUnixTimeMilliseconds(endedAt) : null,
                ttl,
                live));
        }

        return ended;
    }
}
