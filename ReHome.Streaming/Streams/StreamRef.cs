namespace ReHome.Streaming.Streams;

/// <summary>
/// A stream is named by its thread and its stream id, so two threads may both use
/// <c>ops-smoke</c> without sharing a sequence. Ids never contain ':' (see <see cref="Ids"/>).
/// </summary>
public readonly record struct StreamRef(string ThreadId, string StreamId)
{
    public string Key => $"{ThreadId}:{StreamId}";

    public override string ToString() => Key;

    /// <summary>Reads a stream back from the part of a key after its prefix (<c>{threadId}:{streamId}</c>).</summary>
    public static bool TryParseKey(string key, out StreamRef stream)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        stream = separator > 0 ? new StreamRef(key[..separator], key[(separator + 1)..]) : default;
        return separator > 0 && Ids.IsValid(stream.ThreadId) && Ids.IsValid(stream.StreamId);
    }
}
