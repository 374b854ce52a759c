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
            Meta: batch.HashGetAsync(Keys.Meta(stream), [Fields.RunId, Fields.Epoch]),
            Answer: batch.HashGetAsync(Keys.Answer(stream), AnswerStateFields))).ToArray();
        batch.Execute();

        // Each await below finds its answer already there.
        var states = new StreamState[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var read = reads[i];
            var (writer, epoch) = Meta(await read.Meta);
            states[i] = ToState(read.Stream, await read.Seq, await read.Done, writer, epoch, await read.Answer);
        }

        return states;
    }

    private static readonly RedisValue[] AnswerStateFields =
        [AnswerFields.LastSeq, AnswerFields.Status, AnswerFields.Reason, AnswerFields.RunId, AnswerFields.Epoch];

    /// <summary>
    /// A live stream by its counter and meta; an ended one by its end record, or, once that expired
    /// (<c>Streaming:EndedRetention</c>), by its kept answer, which also names its run and epoch when the
    /// meta expired (<c>Streaming:LogRetention</c>).
    /// </summary>
    private static StreamState ToState(StreamRef stream, RedisValue lastSeq, RedisValue[] endRecord, string? writer, string? epoch, RedisValue[] answer)
    {
        var (doneLastSeq, doneStatus, doneReason) = (endRecord[0], endRecord[1], endRecord[2]);
        if (lastSeq.HasValue && !doneStatus.HasValue)
        {
            return new StreamState(stream, StreamStatuses.Streaming, (long)lastSeq, writer, null, epoch);
        }

        var (keptWriter, keptEpoch) = Meta(answer[3..]);
        (writer, epoch) = (writer ?? keptWriter, epoch ?? keptEpoch);
        if (doneStatus.HasValue)
        {
            return new StreamState(stream, doneStatus!, (long)doneLastSeq, writer, doneReason.IsNullOrEmpty ? null : (string?)doneReason, epoch);
        }

        return answer[1].HasValue
            ? new StreamState(stream, (string)answer[1]!, (long)answer[0], writer, answer[2].IsNullOrEmpty ? null : (string?)answer[2], epoch)
            : new StreamState(stream, StreamStatuses.Unknown, 0, writer, null, epoch);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> tokens with seq greater than <paramref name="afterSeq"/>, in order,
    /// each with the stream's epoch — read in one transaction with the log, so a restart in between
    /// cannot label the new epoch's tokens with the old one. Once an ended stream's log expired, they
    /// come from its kept answer (<see cref="KeptAnswer"/>): the same seqs, texts and epoch.
    /// </summary>
    public async Task<IReadOnlyList<TokenEvent>> ReadAfterAsync(StreamRef stream, long afterSeq, int limit, string? runId = null) =>
        (await ReadPageAsync(stream, afterSeq, limit, runId)).Tokens;

    private async Task<(IReadOnlyList<TokenEvent> Tokens, KeptAnswer? Answer)> ReadPageAsync(StreamRef stream, long afterSeq, int limit, string? runId)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (afterSeq == long.MaxValue)
        {
            // No seq is greater, and afterSeq + 1 would overflow into an id Redis refuses.
            return ([], null);
        }

        var database = redis.GetDatabase();
        var transaction = database.CreateTransaction();
        var meta = transaction.HashGetAsync(Keys.Meta(stream), [Fields.RunId, Fields.Epoch]);
        var range = transaction.StreamRangeAsync(Keys.Log(stream), minId: $"{afterSeq + 1}-0", maxId: "+", count: limit);
        var logHeld = transaction.KeyExistsAsync(Keys.Log(stream));
        var live = transaction.KeyExistsAsync(Keys.Seq(stream));
        await transaction.ExecuteAsync();
        if (!await logHeld && !await live
            && KeptAnswer.Read(await database.HashGetAsync(Keys.Answer(stream), KeptAnswer.TokenFields)) is { } answer)
        {
            return (answer.TokensAfter(stream, runId ?? answer.RunId, afterSeq, limit), answer);
        }

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

        return (tokens, null);
    }

    /// <summary>
    /// The kept output of each stream — the text of its answer, when that answer is <c>RunId</c>'s (a stream
    /// id used again belongs to a newer run) — in the order given, read in one round trip; null where none is
    /// kept (the stream is live, or its answer expired). The whole text, also when the log had lost its head.
    /// </summary>
    public async Task<IReadOnlyList<string?>> GetOutputsAsync(IEnumerable<(StreamRef Stream, string RunId)> streams)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = streams.Select(stream => (
            stream.RunId,
            Answer: batch.HashGetAsync(Keys.Answer(stream.Stream), [AnswerFields.RunId, AnswerFields.Text]))).ToArray();
        batch.Execute();

        var outputs = new string?[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var answer = await reads[i].Answer;
            outputs[i] = (string?)answer[0] == reads[i].RunId ? (string?)answer[1] ?? string.Empty : null;
        }

        return outputs;
    }

    private static (string? RunId, string? Epoch) Meta(RedisValue[] fields) =>
        ((string?)fields[0], fields[1].IsNullOrEmpty ? null : (string?)fields[1]);

    /// <summary>
    /// Every token after <paramref name="afterSeq"/> the log holds, page by page, until the log has no more;
    /// once an ended stream's log expired, every token its kept answer holds.
    /// </summary>
    public async IAsyncEnumerable<TokenEvent> ReplayAsync(
        StreamRef stream, long afterSeq, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pageSize = options.Value.ReplayPageSize;
        string? runId = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (page, answer) = await ReadPageAsync(stream, afterSeq, pageSize, runId);
            foreach (var token in page)
            {
                yield return token;
            }

            if (answer is not null)
            {
                // A kept answer is read whole in one round trip and never changes: the rest of it comes from the same read.
                foreach (var token in page.Count < pageSize ? [] : answer.TokensAfter(stream, page[^1].RunId, page[^1].Seq, int.MaxValue))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return token;
                }

                yield break;
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
