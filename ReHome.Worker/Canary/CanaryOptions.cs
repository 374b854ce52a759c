using System.ComponentModel.DataAnnotations;

namespace ReHome.Worker.Canary;

/// <summary>
/// The latency canary (section <c>Canary</c>): a client in the worker that subscribes to a thread of
/// its own through the API, exactly as a browser does, and times a small synthetic stream every few
/// seconds. It feeds the delivery-latency histogram and the canary health check.
/// </summary>
public sealed class CanaryOptions
{
    public const string SectionName = "Canary";

    /// <summary>Off, or without an API address (<c>services:api:http:0</c>), the worker runs without a canary.</summary>
    public bool Enabled { get; set; } = true;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tokens per round.</summary>
    [Range(1, 10_000)]
    public int Tokens { get; set; } = 10;

    /// <summary>Pause between a round's tokens, so each is timed on its own rather than in a burst.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan TokenSpacing { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A token not received this long after the round's last one counts as lost.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The first rounds after start that deliver tokens; their latencies are discarded (from the p95 and
    /// the histogram): they carry JIT compilation and the first connection's set-up, and would read as a
    /// latency alarm on every start. Their deliveries still count against the silence check.
    /// </summary>
    [Range(0, 1_000)]
    public int WarmUpRounds { get; set; } = 2;

    /// <summary>The health check judges the p95 only once this many samples (after warm-up) are in the window.</summary>
    [Range(1, 1_000_000)]
    public int MinimumSamples { get; set; } = 20;

    /// <summary>The window the canary's p95 is taken over for the health check.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);
}
