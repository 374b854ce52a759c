using MessagePack;

namespace ReHome.Contracts;

/// <summary>
/// A run as REST returns it and <c>agent.thread.run.updated</c> sends it (CONTRACT.md <c>Run</c>);
/// status is queued, running, completed, failed or cancelled. <c>version</c> (an addition to
/// the contract) grows with every change of state: updates come from the API and from workers and may
/// arrive out of order, so a client keeps the one with the highest version. <c>output</c> (an addition)
/// is the run's answer, the text its stream kept when it ended (<c>Streaming:AnswerRetention</c>): REST
/// sends it for a finished run; it is null (left out) while the run is live, once nothing is kept, and on
/// the hub (<c>Subscribe</c>'s runs, <c>agent.thread.run.updated</c>), whose clients take the tokens themselves.
/// </summary>
[MessagePackObject]
public sealed record RunView(
    [property: Key("id")] string Id,
    [property: Key("threadId")] string ThreadId,
    [property: Key("streamId")] string StreamId,
    [property: Key("priority")] string Priority,
    [property: Key("status")] string Status,
    [property: Key("lastSeq")] long LastSeq,
    [property: Key("attempts")] int Attempts,
    [property: Key("createdAt")] DateTimeOffset CreatedAt,
    [property: Key("error")] string? Error,
    [property: Key("version")] long Version,
    [property: Key("output")] string? Output = null);
