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

    /// <summary>
    /// How long a stream's answer — its tokens, epoch, final seq and status — is kept after the stream
    /// ends (<c>ai:answer:{stream}</c>, written once at the end), so its tokens stay replayable and its
    /// run shows its output long after the log expired. Unset: as long as the run (<c>Runs:Retention</c>).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan? AnswerRetention { get; set; }

    /// <summary>Tokens read from Redis per round trip while replaying.</summary>
    [Range(10, 10_000)]
    public int ReplayPageSize { get; set; } = 500;

    /// <summary><see cref="AnswerRetention"/>, or <paramref name="runRetention"/> (<c>Runs:Retention</c>) when it is unset.</summary>
    public TimeSpan AnswerRetentionOr(TimeSpan runRetention) => AnswerRetention ?? runRetention;
}
