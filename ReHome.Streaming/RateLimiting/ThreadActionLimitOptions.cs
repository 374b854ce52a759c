using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// The per-thread limit on client actions (subscribe, replay, cancel, REST calls on a thread) —
/// the runbook's 100 events a minute. Token delivery is never limited. Section <c>RateLimit</c>.
/// </summary>
public sealed class ThreadActionLimitOptions
{
    public const string SectionName = "RateLimit";

    [Range(1, 1_000_000)]
    public int ActionsPerWindow { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
