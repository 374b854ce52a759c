using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// Sent as <c>agent.thread.stream.reset</c> when a stream begins a new epoch (its writer restarted it
/// after Redis lost tokens, or to write a reply again): clients clear what they showed of the stream
/// and take the new epoch's tokens from seq 1.
/// </summary>
[MessagePackObject]
public sealed record StreamResetEvent(
    [property: Key("threadId")] string ThreadId,
    [property: Key("runId")] string RunId,
    [property: Key("streamId")] string StreamId,
    [property: Key("epoch")] string Epoch);
