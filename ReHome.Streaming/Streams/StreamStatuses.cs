namespace ReHome.Streaming.Streams;

/// <summary>A stream's status as clients see it (CONTRACT.md).</summary>
public static class StreamStatuses
{
    public const string Streaming = "streaming";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";
    public const string Aborted = "aborted";
    public const string Unknown = "unknown";
}
