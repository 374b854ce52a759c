namespace ReHome.Streaming.Contracts;

/// <summary>A run as REST returns it (CONTRACT.md <c>Run</c>); status is queued, running, completed, failed or cancelled.</summary>
public sealed record RunView(
    string Id,
    string ThreadId,
    string StreamId,
    string Priority,
    string Status,
    long LastSeq,
    int Attempts,
    DateTimeOffset CreatedAt,
    string? Error);
