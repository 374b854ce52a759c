namespace ReHome.Streaming.Streams;

/// <summary>A token was handed to a stream that has already ended (completed, failed, cancelled, aborted).</summary>
public sealed class StreamEndedException(StreamRef stream)
    : InvalidOperationException($"Stream {stream} has ended; it takes no more tokens.")
{
    public StreamRef Stream { get; } = stream;
}
