namespace ReHome.Worker.Ops.Smoke;

/// <summary>Percentiles of latencies in milliseconds, nearest-rank (each one is a latency actually observed).</summary>
internal sealed record LatencyPercentiles(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencyPercentiles Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencyPercentiles(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = milliseconds.Order().ToArray();
        double At(double percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencyPercentiles(sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1]);
    }

    public override string ToString() =>
        FormattableString.Invariant($"p50 {P50:0.00} ms, p95 {P95:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms");
}
