namespace ReHome.Streaming.Streams;

/// <summary>
/// Where a stream stands: its status, the last seq it holds, the run writing it and its epoch (null when unknown),
/// and, once it ended, when (null while live or unknown).
/// </summary>
public sealed record StreamState(StreamRef Stream, string Status, long LastSeq, string? RunId, string? Reason, string? Epoch = null, DateTimeOffset? EndedAt = null)
{
    public bool IsLive => Status == StreamStatuses.Streaming;
}
