using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Streams;

/// <summary>How long stream data lives in Redis (section <c>Streaming</c>).</summary>
public sealed class StreamingOptions
{
    public const string SectionName = "Streaming";

    /// <summary>
    /// Tokens kept per stream log (trimmed approximately, oldest first). A client that falls further
    /// behind than this cannot replay the start of the stream.
    /// </summary>
    [Range(100, 10_000_000)]
    public int LogMaxLength { get; set; } = 20_000;

    /// <summary>How long <c>ai:done:{stream}</c> (final seq and status) outlives the stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan EndedRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a stream's token log stays replayable after the stream ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Tokens read from Redis per round trip while replaying.</summary>
    [Range(10, 10_000)]
    public int ReplayPageSize { get; set; } = 500;
}
