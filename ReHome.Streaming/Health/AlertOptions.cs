using System.ComponentModel.DataAnnotations;

namespace ReHome.Streaming.Health;

/// <summary>
/// The runbook's alert thresholds (section <c>Alerts</c>). Crossing one turns <c>/health</c>
/// Degraded with the check's name and reason; Redis down turns it Unhealthy.
/// </summary>
public sealed class AlertOptions
{
    public const string SectionName = "Alerts";

    /// <summary>"High error rate": more errors than this within <see cref="ErrorWindow"/> in one process.</summary>
    [Range(0, 1_000_000)]
    public int MaxErrors { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ErrorWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>"Redis memory &gt; 1 GB".</summary>
    [Range(1L, long.MaxValue)]
    public long MaxRedisMemoryBytes { get; set; } = 1_000_000_000;

    /// <summary>"More than 100 pending sequences (possible leak)".</summary>
    [Range(0, 10_000_000)]
    public int MaxLiveSequences { get; set; } = 100;

    /// <summary>A live stream without a token for this long is stuck. Below the reaper's threshold, so operators see it before it is reaped.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The runbook's latency bar: canary p95 emit-to-receive above this is Degraded.</summary>
    [Range(0.1, 60_000)]
    public double MaxCanaryP95Milliseconds { get; set; } = 50;
}
