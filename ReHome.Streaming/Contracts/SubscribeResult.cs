using MessagePack;

namespace ReHome.Streaming.Contracts;

/// <summary>What <c>Subscribe(threadId)</c> returns: the thread's streams with their last seq, so the client knows what to replay.</summary>
[MessagePackObject]
public sealed record SubscribeResult(
    [property: Key("threadId")] string ThreadId,
    [property: Key("streams")] IReadOnlyList<StreamSummary> Streams);
