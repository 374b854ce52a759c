using ReHome.Contracts;
using ReHome.Streaming.Streams;

namespace ReHome.Streaming.Runs;

/// <summary>One agent execution in a thread, writing one stream.</summary>
public sealed record AgentRun(
    string Id,
    string ThreadId,
    string StreamId,
    string Priority,
    string Status,
    string Input,
    int Attempts,
    DateTimeOffset CreatedAt,
    string? Error,
    long Version = 1)
{
    public StreamRef Stream => new(ThreadId, StreamId);

    public RunView ToView(long lastSeq, string? output = null) => new(Id, ThreadId, StreamId, Priority, Status, lastSeq, Attempts, CreatedAt, Error, Version, output);
}
