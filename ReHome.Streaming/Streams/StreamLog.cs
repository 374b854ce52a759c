using Microsoft.Extensions.Options;
using ReHome.Streaming.Contracts;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// Reads streams back from Redis: their state, and the tokens after a given seq. Any API replica
/// can serve a replay, because the log lives in Redis, not in a process.
/// </summary>
public sealed class StreamLog(IConnectionMultiplexer redis, IOptions<StreamingOptions> options)
{
    public async Task<StreamState> GetStateAsync(StreamRef stream) => (await GetStatesAsync([stream]))[0];

    /// <summary>The states of many streams, in the order given, read in one round trip.</summary>
    public async Task<IReadOnlyList<StreamState>> GetStatesAsync(IEnumerable<StreamRef> streams)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = streams.Select(stream => (
            Stream: stream,
            Seq: batch.StringGetAsync(Keys.Seq(stream)),
            Done: batch.HashGetAsync(Keys.Done(stream), ["lastSeq", "status", "reason"]),
            Meta: batch.HashGetAsync(Keys.Meta(stream), [Fields.RunId, Fields.Epoch]))).ToArray();
        batch.Execute();

        // Each await below finds its answer already there.
        var states = new StreamState[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var read = reads[i];
            var (writer, epoch) = Meta(await read.Meta);
            states[i] = ToState(read.Stream, await read.Seq, await read.Done, writer, epoch);
        }

        return states;
    }

    private static StreamState ToState(StreamRef stream, RedisValue lastSeq, RedisValue[] endRecord, string? writer, string? epoch)
    {
        var (doneLastSeq, doneStatus, doneReason) = (endRecord[0], endRecord[1], endRecord[2]);
        if (doneStatus.HasValue)
        {
            return new StreamState(stream, doneStatus!, (long)doneLastSeq, writer, doneReason.IsNullOrEmpty ? null : (string?)doneReason, epoch);
        }

        return lastSeq.HasValue
            ? new StreamState(stream, StreamStatuses.Streaming, (long)lastSeq, writer, null, epoch)
            : new StreamState(stream, StreamStatuses.Unknown, 0, writer, null, epoch);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> tokens with seq greater than <paramref name="afterSeq"/>, in order,
    /// each with the stream's epoch — read in one transaction with the log, so a restart in between
    /// cannot label the new epoch's tokens with the old one.
    /// </summary>
    public async Task<IReadOnlyList<TokenEvent>> ReadAfterAsync(StreamRef stream, long afterSeq, int limit, string? runId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (afterSeq == long.MaxValue)
        {
            // No seq is greater, and afterSeq + 1 would overflow into an id Redis refuses.
            return [];
        }

        var transaction = redis.GetDatabase().CreateTransaction();
        var meta = transaction.HashGetAsync(Keys.Meta(stream), [Fields.RunId, Fields.Epoch]);
        var range = transaction.StreamRangeAsync(Keys.Log(stream), minId: $"{afterSeq + 1}-0", maxId: "+", count: limit);
        await transaction.ExecuteAsync();
        var (writer, epoch) = Meta(await meta);
        runId ??= writer ?? string.Empty;
        var entries = await range;

        var tokens = new List<TokenEvent>(entries.Length);
        foreach (var entry in entries)
        {
            var id = (string)entry.Id!;
            var seq = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            tokens.Add(new TokenEvent(stream.ThreadId, runId, stream.StreamId, seq, (string?)entry["t"] ?? string.Empty, (double)entry["e"], epoch));
        }

        return tokens;
    }

    private static (string? RunId, string? Epoch) Meta(RedisValue[] fields) =>
        ((string?)fields[0], fields[1].IsNullOrEmpty ? null : (string?)fields[1]);

    /// <summary>Every token after <paramref name="afterSeq"/> the log holds, page by page, until the log has no more.</summary>
    public async IAsyncEnumerable<TokenEvent> ReplayAsync(
        StreamRef stream, long afterSeq, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pageSize = options.Value.ReplayPageSize;
        string? runId = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var page = await ReadAfterAsync(stream, afterSeq, pageSize, runId);
            foreach (var token in page)
            {
                yield return token;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            afterSeq = page[^1].Seq;
            runId = page[^1].RunId;
        }
    }
}
