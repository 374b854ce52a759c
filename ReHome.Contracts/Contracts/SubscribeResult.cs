using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// What <c>Subscribe(threadId)</c> returns: the thread's streams with their last seq, so the client
/// knows what to replay, and (an addition) the thread's runs as they stand now, so a client that
/// missed an <c>agent.thread.run.updated</c> catches up by subscribing again.
/// </summary>
[MessagePackObject]
public sealed record SubscribeResult(
    [property: Key("threadId")] string ThreadId,
    [property: Key("streams")] IReadOnlyList<StreamSummary> Streams,
    [property: Key("runs")] IReadOnlyList<RunView>? Runs = null);
