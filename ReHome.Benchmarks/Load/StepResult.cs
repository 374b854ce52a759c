using ReHome.Client;
namespace ReHome.Benchmarks.Load;

/// <summary>
/// One step (a shape at one rate) on one stack. <see cref="Cpu"/> and <see cref="PeakRssMiB"/> are of
/// the three server-side processes: api, worker, Redis for ReHome; server, emitter, Redis for the peer.
/// </summary>
internal sealed record StepResult(
    string Shape,
    string Stack,
    int Rate,
    int Connections,
    LatencySummary Latency,
    double DeliveriesPerSecond,
    double TargetDeliveriesPerSecond,
    long Lost,
    long Duplicated,
    double ProducerOnSchedule,
    IReadOnlyList<double> Cpu,
    IReadOnlyList<double> PeakRssMiB,
    double OtherCpuPercent,
    string? Error = null)
{
    public double ServerCpu => Cpu.Sum();

    /// <summary>CPU % of the server side per 1,000 deliveries/s.</summary>
    public double CpuPer1kDeliveries => DeliveriesPerSecond > 0 ? ServerCpu / (DeliveriesPerSecond / 1000) : double.NaN;

    public static StepResult Failed(string shape, string stack, int rate, int connections, string error) =>
        new(shape, stack, rate, connections, LatencySummary.Of([]), 0, 0, 0, 0, 0, [double.NaN, double.NaN, double.NaN], [double.NaN, double.NaN, double.NaN], double.NaN, error);

    /// <summary>The ramp goal: p99 within the limit, every token delivered (none lost), the producer on schedule (≥ 99 %).</summary>
    public bool MeetsGoal(double p99LimitMs) => Error is null && Latency.Count > 0 && Latency.P99 <= p99LimitMs && Lost == 0 && ProducerOnSchedule >= 0.99;
}
