namespace ReHome.Benchmarks;

/// <summary>Percentiles of a set of latencies (milliseconds), nearest-rank.</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(IReadOnlyCollection<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = milliseconds.Order().ToArray();
        double At(double percentile) => sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new LatencySummary(sorted.Length, At(0.50), At(0.95), At(0.99), sorted[^1]);
    }

    public override string ToString() =>
        FormattableString.Invariant($"p50 {P50:0.000} ms   p95 {P95:0.000} ms   p99 {P99:0.000} ms   max {Max:0.000} ms   (n={Count})");
}
