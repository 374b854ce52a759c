using MessagePack;

namespace ReHome.Streaming.Contracts;

/// <summary>A stream of a thread as <c>Subscribe</c> reports it.</summary>
[MessagePackObject]
public sealed record StreamSummary(
    [property: Key("runId")] string RunId,
    [property: Key("streamId")] string StreamId,
    [property: Key("status")] string Status,
    [property: Key("lastSeq")] long LastSeq);
