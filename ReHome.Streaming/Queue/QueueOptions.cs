using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Queue;

/// <summary>
/// The run queue (section <c>Queue</c>): one Redis Stream per priority, read by the consumer group
/// <see cref="ConsumerGroup"/>. Delivery is at least once; a run already finished is never generated
/// again, so a job delivered twice does no harm.
/// </summary>
public sealed class QueueOptions
{
    public const string SectionName = "Queue";

    public const string ConsumerGroup = "workers";

    /// <summary>
    /// The consumer a stopping worker hands its jobs to: they stay pending, idle as if their worker had
    /// died, so the next worker with a free slot takes them over before new jobs.
    /// </summary>
    public const string HandedBackConsumer = "handed-back";

    /// <summary>
    /// Names the queue's keys (<c>ai:queue:{Name}:high</c> …). API and workers must agree; a different
    /// name is a separate lane on the same Redis.
    /// </summary>
    [Required, RegularExpression(Ids.Pattern)]
    public string Name { get; set; } = "runs";

    /// <summary>Runs one worker process generates at the same time.</summary>
    [Range(1, 1_000)]
    public int Concurrency { get; set; } = 8;

    /// <summary>
    /// A job whose worker has not confirmed it for this long is taken over by another worker (the
    /// worker died). A live worker confirms every third of this, so only a dead one lets it lapse.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Attempts per run, counting takeovers after a worker died. Failed attempts are retried with
    /// exponential back-off from <see cref="RetryDelay"/>; after the last, the job goes to the
    /// dead-letter stream <c>ai:queue:{Name}:dead</c> and the run is failed with the reason.
    /// </summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first retry's delay; each later one doubles it (with jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an idle worker waits before looking at the queue again. New jobs wake workers at
    /// once through Redis pub/sub; this is the fallback, and bounds how promptly shutdown is seen.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest input a run accepts, in characters.</summary>
    [Range(1, 1_000_000)]
    public int MaxInputLength { get; set; } = 32_000;

    /// <summary>
    /// Dead letters kept (<c>ai:queue:{Name}:dead</c>): each new one trims the stream to about this
    /// many, oldest first (XADD MAXLEN ~).
    /// </summary>
    [Range(100, 10_000_000)]
    public int DeadLetterMaxLength { get; set; } = 10_000;

    /// <summary>How long a dead letter is kept; the operators' <c>cleanup</c> removes older ones.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(30);
}
