namespace ReHome.Client;

/// <summary>
/// Percentiles of latencies in milliseconds, nearest-rank: each figure is a latency actually
/// observed (the smallest with at least that share of the samples at or below it). The one percentile
/// formula of ReHome — the canary, the smoke test and the benchmarks all use it.
/// </summary>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return sorted.Length == 0
            ? new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN)
            : new LatencySummary(sorted.Length, At(sorted, 0.50), At(sorted, 0.95), At(sorted, 0.99), sorted[^1]);
    }

    /// <summary>The nearest-rank <paramref name="percentile"/> (0–1) of samples sorted ascending.</summary>
    public static double At(IReadOnlyList<double> sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Count) - 1, 0, sorted.Count - 1)];

    public override string ToString() =>
        FormattableString.Invariant($"p50 {P50:0.00} ms, p95 {P95:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms");
}
