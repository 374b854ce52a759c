using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// One token of a stream, sent as <c>agent.thread.token</c>. <c>seq</c> starts at 1 and has
/// no gaps within a stream; <c>emittedAt</c> is Unix time in milliseconds, taken when the
/// producer handed the token to the streaming service. <c>epoch</c> (an addition to the
/// contract) names the stream's current life: a token is (seq, epoch); when a stream restarts, its
/// seqs start again at 1 under a new epoch, and a client drops what it showed of the old one.
/// </summary>
[MessagePackObject]
public sealed record TokenEvent(
    [property: Key("threadId")] string ThreadId,
    [property: Key("runId")] string RunId,
    [property: Key("streamId")] string StreamId,
    [property: Key("seq")] long Seq,
    [property: Key("token")] string Token,
    [property: Key("emittedAt")] double EmittedAt,
    [property: Key("epoch")] string? Epoch = null);
