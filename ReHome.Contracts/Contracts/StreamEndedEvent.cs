using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// Sent as <c>agent.thread.stream.ended</c> once, when a stream ends; <see cref="LastSeq"/> is final
/// for <see cref="Epoch"/> (an addition; absent when Redis lost it).
/// </summary>
[MessagePackObject]
public sealed record StreamEndedEvent(
    [property: Key("threadId")] string ThreadId,
    [property: Key("runId")] string RunId,
    [property: Key("streamId")] string StreamId,
    [property: Key("lastSeq")] long LastSeq,
    [property: Key("status")] string Status,
    [property: Key("reason")] string? Reason,
    [property: Key("epoch")] string? Epoch = null);
