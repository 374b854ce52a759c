using MessagePack;

namespace ReHome.Contracts;

/// <summary>A stream of a thread as <c>Subscribe</c> reports it; <see cref="Epoch"/> (an addition) is the epoch its lastSeq belongs to.</summary>
[MessagePackObject]
public sealed record StreamSummary(
    [property: Key("runId")] string RunId,
    [property: Key("streamId")] string StreamId,
    [property: Key("status")] string Status,
    [property: Key("lastSeq")] long LastSeq,
    [property: Key("epoch")] string? Epoch = null);
