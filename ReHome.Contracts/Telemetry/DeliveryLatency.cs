namespace ReHome.Contracts;

/// <summary>
/// The histogram buckets of emit-to-receive latency, shared by the server's canary and ReHome.Client so
/// both read alike on one dashboard: fine around the runbook's 50 ms bar, wide enough for outages.
/// </summary>
public static class DeliveryLatency
{
    public static IReadOnlyList<double> Buckets { get; } =
        [0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80, 100, 150, 200, 300, 500, 1_000, 2_500, 5_000, 10_000];
}
