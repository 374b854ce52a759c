using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReHome.Contracts;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Telemetry;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// Writes streams: each token gets the next seq, lands in the stream's Redis log and is published on
/// the thread's feed in one atomic step (one Redis call per token); API replicas send it on to the
/// thread's subscribers (<see cref="StreamFeed"/>). Works the same from the worker and from the API.
/// </summary>
/// <remarks>
/// The log is the source of truth: if a feed message is lost, clients see a gap (or the end event's
/// final seq) and replay from the log, so a token is never lost and never shown twice.
/// </remarks>
public sealed partial class StreamingService(
    IConnectionMultiplexer redis,
    IOptions<StreamingOptions> options,
    IOptions<RunOptions> runOptions,
    TimeProvider time,
    StreamingMetrics metrics,
    ILogger<StreamingService> logger)
{
    /// <summary>
    /// Appends <paramref name="token"/> to the stream and publishes it to the thread's subscribers. Pass
    /// <paramref name="expectedSeq"/> (the producer's own count) to make a retry after a Redis timeout
    /// safe: a token already appended is not appended again.
    /// </summary>
    /// <exception cref="StreamEndedException">The stream has ended.</exception>
    /// <exception cref="StreamRewoundException">
    /// Redis holds less than <paramref name="expectedSeq"/> − 1 tokens: it lost some, which clients may
    /// have shown. Restart the stream (<see cref="RestartAsync"/>) and write the reply again from seq 1.
    /// </exception>
    public async Task<TokenEvent> StreamTokenAsync(
        StreamRef stream, string runId, string token, long? expectedSeq = null, CancellationToken cancellationToken = default)
    {
        var (code, seq, epoch, emittedAt, result) = await AppendAsync(stream, runId, [token], expectedSeq ?? 0, cancellationToken);
        // The seq was written before — by this producer's timed-out call, or by another worker that
        // took the job over: what clients were sent (by the script) is what the log holds.
        return code == StreamScripts.AlreadyAppended && result.Length >= 5
            ? new TokenEvent(stream.ThreadId, runId, stream.StreamId, seq, (string?)result[3] ?? string.Empty, (double)result[4], epoch)
            : new TokenEvent(stream.ThreadId, runId, stream.StreamId, seq, token, emittedAt, epoch);
    }

    /// <summary>
    /// Appends <paramref name="tokens"/> (those that queued while the previous call was in flight) as
    /// seqs <paramref name="firstSeq"/>, <paramref name="firstSeq"/> + 1, … in one atomic step — one
    /// Redis call, contiguous seqs — and publishes each as its own <c>agent.thread.token</c>. Safe to
    /// retry: tokens already appended are not appended again.
    /// </summary>
    /// <returns>The seq of the last token.</returns>
    /// <exception cref="StreamEndedException">The stream has ended.</exception>
    /// <exception cref="StreamRewoundException">Redis holds less than <paramref name="firstSeq"/> − 1 tokens (see <see cref="StreamTokenAsync"/>).</exception>
    public async Task<long> StreamTokensAsync(
        StreamRef stream, string runId, IReadOnlyList<string> tokens, long firstSeq, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(tokens.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSeq, 1);
        var (code, seq, _, _, _) = await AppendAsync(stream, runId, tokens, firstSeq, cancellationToken);
        return code == StreamScripts.AlreadyAppended ? firstSeq + tokens.Count - 1 : seq;
    }

    private async Task<(long Code, long Seq, string? Epoch, double EmittedAt, RedisResult[] Result)> AppendAsync(
        StreamRef stream, string runId, IReadOnlyList<string> tokens, long expectedSeq, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        var emittedAt = UnixTime.Milliseconds(now);
        var arguments = new RedisValue[9 + tokens.Count];
        arguments[0] = emittedAt;
        arguments[1] = options.Value.LogMaxLength;
        arguments[2] = stream.Key;
        arguments[3] = runId;
        arguments[4] = stream.StreamId;
        arguments[5] = UnixTime.WholeMilliseconds(now);
        arguments[6] = expectedSeq;
        // A new epoch is needed only by a stream's first token (or one whose meta Redis lost): the
        // producer's own count says which, so the other calls carry no candidate, and the rare one
        // that finds the meta gone is asked again with one.
        arguments[7] = expectedSeq is 0 or 1 ? StreamEpochs.New() : string.Empty;
        arguments[8] = Channels.ThreadFeedName(stream.ThreadId);
        for (var i = 0; i < tokens.Count; i++)
        {
            arguments[9 + i] = tokens[i];
        }

        var database = redis.GetDatabase();
        var keys = StreamKeys(stream);
        var result = (RedisResult[])(await database.ScriptEvaluateAsync(StreamScripts.AppendTokens, keys, arguments))!;
        if ((long)result[0] == StreamScripts.EpochNeeded)
        {
            arguments[7] = StreamEpochs.New();
            result = (RedisResult[])(await database.ScriptEvaluateAsync(StreamScripts.AppendTokens, keys, arguments))!;
        }

        var (code, seq, epoch) = ((long)result[0], (long)result[1], EpochOf(result[2]));
        switch (code)
        {
            case StreamScripts.StreamEnded:
                throw new StreamEndedException(stream);
            case StreamScripts.SequenceGap:
                Log.StreamRewound(logger, stream.Key, seq, expectedSeq);
                throw new StreamRewoundException(stream, seq, expectedSeq);
            case StreamScripts.Appended:
                metrics.TokensEmitted((long)result[3]);
                break;
        }

        return (code, seq, epoch, emittedAt, result);
    }

    public Task<StreamEndedEvent> CompleteAsync(StreamRef stream, string runId, CancellationToken cancellationToken = default) =>
        EndAsync(stream, runId, StreamStatuses.Completed, reason: null, cancellationToken);

    public Task<StreamEndedEvent> FailAsync(StreamRef stream, string runId, string reason, CancellationToken cancellationToken = default) =>
        EndAsync(stream, runId, StreamStatuses.Failed, reason, cancellationToken);

    public Task<StreamEndedEvent> CancelAsync(StreamRef stream, string runId, string reason, CancellationToken cancellationToken = default) =>
        EndAsync(stream, runId, StreamStatuses.Cancelled, reason, cancellationToken);

    public Task<StreamEndedEvent> AbortAsync(StreamRef stream, string runId, string reason, CancellationToken cancellationToken = default) =>
        EndAsync(stream, runId, StreamStatuses.Aborted, reason, cancellationToken);

    /// <summary>
    /// Aborts the stream only if it has had no activity since <paramref name="idleBefore"/> — the
    /// reaper's check and act in one step, so a stream that just produced a token is left alone.
    /// </summary>
    /// <returns>The end event when this call aborted the stream; null when it was active or had ended.</returns>
    public async Task<StreamEndedEvent?> AbortIfIdleAsync(StreamRef stream, DateTimeOffset idleBefore, string reason, CancellationToken cancellationToken = default)
    {
        var (ended, endedEvent) = await EndCoreAsync(stream, runId: string.Empty, StreamStatuses.Aborted, reason, idleBefore, cancellationToken);
        return ended ? endedEvent : null;
    }

    /// <summary>
    /// Begins a new epoch of a stream that has not ended — live, or lost by Redis: its seq goes back
    /// to 0 and its log is emptied in one atomic step, it stays live and active, and subscribers get
    /// <c>agent.thread.stream.reset</c> with the new epoch, so they clear what they showed of it and
    /// take the next tokens from seq 1. A producer calls it when Redis rewound the stream
    /// (<see cref="StreamRewoundException"/>), or when a new attempt cannot continue the reply
    /// already shown (a model that samples gives another text).
    /// </summary>
    /// <returns>The new epoch.</returns>
    /// <exception cref="StreamEndedException">The stream has ended; an ended stream is not restarted.</exception>
    public async Task<string> RestartAsync(StreamRef stream, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        cancellationToken.ThrowIfCancellationRequested();
        var epoch = StreamEpochs.New();
        var restarted = await redis.GetDatabase().ScriptEvaluateAsync(
            StreamScripts.RestartStream,
            StreamKeys(stream),
            [epoch, runId, UnixTime.WholeMilliseconds(time.GetUtcNow()), stream.Key, stream.StreamId, Channels.ThreadFeedName(stream.ThreadId)]);
        if ((long)restarted != 1)
        {
            throw new StreamEndedException(stream);
        }

        Log.StreamRestarted(logger, stream.Key, epoch);
        return epoch;
    }

    /// <summary>Forgets an ended stream so its id starts again from seq 1 (the smoke test's fixed <c>ops-smoke</c>).</summary>
    /// <returns>False when the stream is live; it is left alone.</returns>
    public async Task<bool> ResetAsync(StreamRef stream)
    {
        var reset = await redis.GetDatabase().ScriptEvaluateAsync(
            StreamScripts.ResetStream, [Keys.Seq(stream), Keys.Log(stream), Keys.Done(stream), Keys.Meta(stream), Keys.Answer(stream)]);
        return (long)reset == 1;
    }

    /// <summary>
    /// Removes ended streams' data — end record, log and meta; their kept answer and place in the thread too
    /// when the run named (the end record's, <see cref="StreamRecord.EndRecordRunId"/>) is gone — each only if it
    /// is not live and ended at or before <paramref name="endedBefore"/>, checked and done in one step per stream
    /// (<see cref="StreamScripts.RemoveEnded"/>), all in one round trip.
    /// </summary>
    /// <returns>For each stream, in the order given, whether it was removed.</returns>
    public Task<IReadOnlyList<bool>> RemoveEndedAsync(IEnumerable<(StreamRef Stream, string? RunId)> streams, DateTimeOffset endedBefore) =>
        RemoveAsync(streams.Select(stream => (StreamScripts.RemoveEnded, new RedisKey[]
        {
            Keys.Done(stream.Stream), Keys.Seq(stream.Stream), Keys.Log(stream.Stream), Keys.Meta(stream.Stream),
            Keys.ThreadStreams(stream.Stream.ThreadId), Keys.Answer(stream.Stream), Keys.Run(stream.RunId ?? string.Empty),
        }, new RedisValue[] { UnixTime.WholeMilliseconds(endedBefore), stream.Stream.StreamId })));

    /// <summary>
    /// Removes kept answers whose run (<paramref name="streams"/>' run ids, as read from the answers) is gone, each only
    /// if it is still that run's answer and ended at or before <paramref name="endedBefore"/>, with the stream's place in
    /// its thread unless its id is in use again (<see cref="StreamScripts.RemoveAnswer"/>), all in one round trip.
    /// </summary>
    /// <returns>For each answer, in the order given, whether it was removed.</returns>
    public Task<IReadOnlyList<bool>> RemoveAnswersAsync(IEnumerable<(StreamRef Stream, string RunId)> streams, DateTimeOffset endedBefore) =>
        RemoveAsync(streams.Select(stream => (StreamScripts.RemoveAnswer, new RedisKey[]
        {
            Keys.Answer(stream.Stream), Keys.Run(stream.RunId), Keys.Seq(stream.Stream), Keys.Done(stream.Stream), Keys.ThreadStreams(stream.Stream.ThreadId),
        }, new RedisValue[] { UnixTime.WholeMilliseconds(endedBefore), stream.Stream.StreamId, stream.RunId })));

    private async Task<IReadOnlyList<bool>> RemoveAsync(IEnumerable<(string Script, RedisKey[] Keys, RedisValue[] Arguments)> removals)
    {
        var batch = redis.GetDatabase().CreateBatch();
        var pending = removals.Select(removal => batch.ScriptEvaluateAsync(removal.Script, removal.Keys, removal.Arguments)).ToArray();
        batch.Execute();

        var removed = new bool[pending.Length];
        for (var i = 0; i < pending.Length; i++)
        {
            removed[i] = (long)await pending[i] == StreamScripts.Removed;
        }

        return removed;
    }

    private async Task<StreamEndedEvent> EndAsync(StreamRef stream, string runId, string status, string? reason, CancellationToken cancellationToken)
    {
        var (_, endedEvent) = await EndCoreAsync(stream, runId, status, reason, idleBefore: null, cancellationToken);
        return endedEvent;
    }

    private async Task<(bool Ended, StreamEndedEvent Event)> EndCoreAsync(
        StreamRef stream, string runId, string status, string? reason, DateTimeOffset? idleBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            StreamScripts.EndStream,
            [.. StreamKeys(stream), Keys.Answer(stream)],
            [
                status, reason ?? string.Empty, UnixTime.WholeMilliseconds(time.GetUtcNow()),
                (long)settings.EndedRetention.TotalMilliseconds, (long)settings.LogRetention.TotalMilliseconds,
                stream.Key, runId, stream.StreamId, idleBefore is { } idle ? UnixTime.WholeMilliseconds(idle) : 0,
                Channels.ThreadFeedName(stream.ThreadId),
                (long)settings.AnswerRetentionOr(runOptions.Value.Retention).TotalMilliseconds,
            ]))!;

        var outcome = (long)result[0];
        var endedEvent = new StreamEndedEvent(
            stream.ThreadId, (string?)result[3] ?? runId, stream.StreamId, (long)result[1], (string?)result[2] ?? status, outcome == 1 ? reason : null,
            EpochOf(result[4]));
        if (outcome != 1)
        {
            // Ended before (or still active, for the reaper): nothing changed, nothing to tell.
            return (false, endedEvent);
        }

        metrics.StreamEnded(status);
        Log.StreamEnded(logger, stream.Key, status, endedEvent.LastSeq);
        return (true, endedEvent);
    }

    private static string? EpochOf(RedisResult value) => (string?)value is { Length: > 0 } epoch ? epoch : null;

    private static RedisKey[] StreamKeys(StreamRef stream) =>
        [Keys.Seq(stream), Keys.Log(stream), Keys.Active, Keys.Done(stream), Keys.Meta(stream), Keys.ThreadStreams(stream.ThreadId)];

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "StreamingService: stream {Stream} ended {Status} at seq {LastSeq}")]
        public static partial void StreamEnded(ILogger logger, string stream, string status, long lastSeq);

        [LoggerMessage(102, LogLevel.Warning, "StreamingService: stream {Stream} holds seq {HeldSeq} but its producer expected to write {ExpectedSeq}; Redis lost tokens")]
        public static partial void StreamRewound(ILogger logger, string stream, long heldSeq, long expectedSeq);

        [LoggerMessage(103, LogLevel.Information, "StreamingService: stream {Stream} restarted under epoch {Epoch}")]
        public static partial void StreamRestarted(ILogger logger, string stream, string epoch);
    }
}
