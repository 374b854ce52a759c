using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// The reads of one stream's state (<see cref="StreamLog"/>), queued on a batch: its counter, end record, meta and
/// kept answer — the fields of each named in <see cref="Naming.StreamNames.Fields"/> and <see cref="Naming.StreamNames.AnswerFields"/>.
/// </summary>
internal sealed record StreamStateReads(StreamRef Stream, Task<RedisValue> Seq, Task<RedisValue[]> Done, Task<RedisValue[]> Meta, Task<RedisValue[]> Answer)
{
    private static readonly RedisValue[] DoneFields = [Fields.LastSeq, Fields.Status, Fields.Reason, Fields.EndedAt, Fields.RunId];

    private static readonly RedisValue[] MetaFields = [Fields.RunId, Fields.Epoch];

    private static readonly RedisValue[] AnswerStateFields =
        [AnswerFields.LastSeq, AnswerFields.Status, AnswerFields.Reason, AnswerFields.EndedAt, AnswerFields.RunId, AnswerFields.Epoch];

    public static StreamStateReads Queue(IBatch batch, StreamRef stream) => new(
        stream,
        batch.StringGetAsync(Keys.Seq(stream)),
        batch.HashGetAsync(Keys.Done(stream), DoneFields),
        batch.HashGetAsync(Keys.Meta(stream), MetaFields),
        batch.HashGetAsync(Keys.Answer(stream), AnswerStateFields));

    /// <summary>
    /// A live stream by its counter and meta; an ended one by its end record, or, once that expired
    /// (<c>Streaming:EndedRetention</c>), by its kept answer, which also names its run and epoch when the
    /// meta expired (<c>Streaming:LogRetention</c>). Also the counter, whether there is an end record, and the kept answer's run and end.
    /// </summary>
    public async Task<(StreamState State, long? Counter, (bool Held, string? RunId) End, (string? RunId, DateTimeOffset? EndedAt) Answer)> ReadAsync()
    {
        var (lastSeq, done, answer) = (await Seq, await Done, await Answer);
        var (writer, epoch) = RunAndEpoch(await Meta);
        long? counter = lastSeq.HasValue ? (long)lastSeq : null;
        var (doneLastSeq, doneStatus, doneReason, doneEndedAt) = (done[0], done[1], done[2], done[3]);
        var end = (doneStatus.HasValue, done[4].IsNullOrEmpty ? null : (string?)done[4]);
        var (keptWriter, keptEpoch) = RunAndEpoch(answer[4..]);
        var kept = (keptWriter, UnixTimeOf(answer[3]));
        if (counter is { } seq && !doneStatus.HasValue)
        {
            return (new StreamState(Stream, StreamStatuses.Streaming, seq, writer, null, epoch), counter, end, kept);
        }

        (writer, epoch) = (writer ?? keptWriter, epoch ?? keptEpoch);
        if (doneStatus.HasValue)
        {
            return (new StreamState(Stream, doneStatus!, (long)doneLastSeq, writer, ReasonOf(doneReason), epoch, UnixTimeOf(doneEndedAt)), counter, end, kept);
        }

        var state = answer[1].HasValue
            ? new StreamState(Stream, (string)answer[1]!, (long)answer[0], writer, ReasonOf(answer[2]), epoch, UnixTimeOf(answer[3]))
            : new StreamState(Stream, StreamStatuses.Unknown, 0, writer, null, epoch);
        return (state, counter, end, kept);
    }

    /// <summary>The run and epoch of a meta hash (or a kept answer) from its <c>runId</c> and <c>epoch</c> fields.</summary>
    public static (string? RunId, string? Epoch) RunAndEpoch(RedisValue[] fields) =>
        ((string?)fields[0], fields[1].IsNullOrEmpty ? null : (string?)fields[1]);

    private static string? ReasonOf(RedisValue reason) => reason.IsNullOrEmpty ? null : (string?)reason;

    private static DateTimeOffset? UnixTimeOf(RedisValue milliseconds) =>
        milliseconds.TryParse(out long value) ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
