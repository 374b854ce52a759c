using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// The per-thread limit on client actions (subscribe, replay, cancel, REST calls on a thread) —
/// the runbook's 100 events a minute — and the per-user limit on refused hub calls. Token delivery
/// is never limited. Section <c>RateLimit</c>.
/// </summary>
public sealed class ThreadActionLimitOptions
{
    public const string SectionName = "RateLimit";

    [Range(1, 1_000_000)]
    public int ActionsPerWindow { get; set; } = 100;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Hub calls of one user refused as <c>forbidden</c> or <c>invalid_argument</c> per <see cref="Window"/>
    /// on one API instance; past it every hub call of that user answers <c>rate_limited</c> until the
    /// window ends. The per-thread limit counts only the owner's actions, so this is what stops a
    /// client probing threads that do not exist or are not its own.
    /// </summary>
    [Range(1, 1_000_000)]
    public int RefusalsPerWindow { get; set; } = 50;
}
