namespace ReHome.Streaming.Streams;

/// <summary>
/// The producer expected to write a seq that Redis is behind of: Redis lost the stream's latest
/// tokens (a failover to a lagging replica, a restore, a lost AOF tail) or its counter. Clients may
/// have shown seqs Redis no longer holds, so the stream must not simply go on: restart it with
/// <see cref="StreamingService.RestartAsync"/> (a new epoch) and write the reply again from seq 1.
/// </summary>
public sealed class StreamRewoundException(StreamRef stream, long heldSeq, long expectedSeq)
    : InvalidOperationException($"Stream {stream} holds seq {heldSeq}; the producer expected to write {expectedSeq}. Redis lost tokens: restart the stream.")
{
    public StreamRef Stream { get; } = stream;

    /// <summary>The last seq Redis holds (0 when it lost the stream's counter).</summary>
    public long HeldSeq { get; } = heldSeq;

    /// <summary>The seq the producer was about to write.</summary>
    public long ExpectedSeq { get; } = expectedSeq;
}
