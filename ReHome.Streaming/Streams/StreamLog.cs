using Microsoft.Extensions.Options;
using ReHome.Contracts;
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
        var reads = streams.Select(stream => StreamStateReads.Queue(batch, stream)).ToArray();
        batch.Execute();

        // Each await below finds its answer already there.
        var states = new StreamState[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            states[i] = (await reads[i].ReadAsync()).State;
        }

        return states;
    }

    /// <summary>
    /// What Redis holds of many streams, in the order given, read in one round trip — for the operator
    /// commands, which list and clean up streams through this, not by reading the stream's keys themselves.
    /// </summary>
    public async Task<IReadOnlyList<StreamRecord>> GetRecordsAsync(IEnumerable<StreamRef> streams)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var reads = streams.Select(stream => (
            State: StreamStateReads.Queue(batch, stream),
            Activity: batch.SortedSetScoreAsync(Keys.Active, stream.Key),
            DoneTtl: batch.KeyTimeToLiveAsync(Keys.Done(stream)))).ToArray();
        batch.Execute();

        var records = new StreamRecord[reads.Length];
        for (var i = 0; i < reads.Length; i++)
        {
            var (state, counter, end, answer) = await reads[i].State.ReadAsync();
            records[i] = new StreamRecord(
                state, counter, await reads[i].Activity is { } activity ? DateTimeOffset.FromUnixTimeMilliseconds((long)activity) : null,
                end.Held, end.RunId, end.Held ? await reads[i].DoneTtl : null, answer.RunId, answer.EndedAt);
        }

        return records;
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

        var (writer, epoch) = StreamStateReads.RunAndEpoch(await meta);
        runId ??= writer ?? string.Empty;
        var entries = await range;

        var tokens = new List<TokenEvent>(entries.Length);
        foreach (var entry in entries)
        {
            var id = (string)entry.Id!;
            var seq = long.Parse(id.AsSpan(0, id.IndexOf('-', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
            tokens.Add(new TokenEvent(stream.ThreadId, runId, stream.StreamId, seq, (string?)entry[LogFields.Text] ?? string.Empty, (double)entry[LogFields.EmittedAt], epoch));
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
