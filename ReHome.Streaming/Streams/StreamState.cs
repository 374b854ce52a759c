namespace ReHome.Streaming.Streams;

/// <summary>Where a stream stands: its status, the last seq it holds and the run writing it.</summary>
public sealed record StreamState(StreamRef Stream, string Status, long LastSeq, string? RunId, string? Reason)
{
    public bool IsLive => Status == StreamStatuses.Streaming;
}
