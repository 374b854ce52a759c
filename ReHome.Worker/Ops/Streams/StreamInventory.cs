using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Ops.Streams;

/// <summary>A live stream: its <c>ai:seq</c> counter, and its last activity from <c>ai:active</c>.</summary>
internal sealed record LiveStream(StreamRef Stream, long LastSeq, string? RunId, TimeSpan? Idle);

/// <summary>An ended stream: its <c>ai:done</c> record and how long until it expires.</summary>
internal sealed record EndedStream(StreamRef Stream, string Status, long LastSeq, string? RunId, string? Reason, TimeSpan? EndedAgo, TimeSpan? ExpiresIn, bool IsLive);

/// <summary>
/// Lists what Redis holds about streams, a batch at a time: SCAN for their keys, then one round trip per batch
/// through <see cref="StreamLog.GetRecordsAsync"/>, which owns how a stream is laid out.
/// </summary>
internal sealed class StreamInventory(IConnectionMultiplexer redis, StreamLog log, TimeProvider time)
{
    public const int BatchSize = 500;

    public async Task<IReadOnlyList<LiveStream>> LiveAsync(CancellationToken cancellationToken)
    {
        var live = new List<LiveStream>();
        await foreach (var batch in RedisScan.StreamBatchesAsync(redis, Keys.SeqPrefix, BatchSize, cancellationToken))
        {
            var records = await log.GetRecordsAsync(batch);
            var now = time.GetUtcNow();
            foreach (var record in records)
            {
                if (record.Counter is { } lastSeq)
                {
                    live.Add(new LiveStream(record.State.Stream, lastSeq, record.State.RunId, now - record.LastActivity));
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
        var records = await log.GetRecordsAsync(streams);
        var now = time.GetUtcNow();
        return records
            .Where(record => record.HasEndRecord)
            .Select(record => new EndedStream(
                record.State.Stream, record.State.Status, record.State.LastSeq, record.EndRecordRunId, record.State.Reason,
                now - record.State.EndedAt, record.EndRecordExpiresIn, record.Counter.HasValue))
            .ToArray();
    }
}
