using System.Globalization;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// The one table: a row per (shape, stack) — each ramp step (CPU and RSS per process: the worker's RSS across a ramp is a goal), then the ramp's knee — and a
/// ReHome ÷ peer row under each pair; a ramp step marked ✗ missed the goal (its ramp stopped there). Ratios &lt; 1 are ReHome lower (better for latency and CPU, worse for throughput).
/// </summary>
internal static class LoadReport
{
    public static readonly IReadOnlyList<string> Headers =
    [
        "shape", "stack", "tok/s/thr", "conns", "p50 ms", "p95 ms", "p99 ms", "max ms", "deliv/s", "lost", "dup", "prod %",
        "CPU % api|srv/wrk|emit/redis", "peak RSS MiB a|s/w|e/r", "CPU/1k deliv/s", "other CPU %",
    ];

    public static string Format(IReadOnlyList<StepResult> steps, IReadOnlyList<LoadShape> shapes, double p99LimitMs)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var shape in shapes)
        {
            var ofShape = steps.Where(step => step.Shape == shape.Name).ToArray();
            if (ofShape.Length == 0)
            {
                continue;
            }

            if (!shape.IsRamp)
            {
                AddPair(rows, shape.Name, ofShape);
                continue;
            }

            foreach (var step in ofShape)
            {
                rows.Add(Row($"{shape.Name}@{step.Rate}{(step.MeetsGoal(p99LimitMs) ? string.Empty : " ✗")}", step));
            }

            var knees = ofShape.GroupBy(step => step.Stack)
                .Select(stack => Knee(stack.ToArray(), p99LimitMs) ?? StepResult.Failed(shape.Name, stack.Key, 0, shape.Connections, $"none: the first step ({stack.First().Rate}) missed the goal"))
                .ToArray();
            AddPair(rows, $"{shape.Name} knee", knees);
        }

        return TextTable.Format(Headers, rows);
    }

    /// <summary>The last step (in ramp order) before the first one missing the goal; null when the first missed it.</summary>
    public static StepResult? Knee(IReadOnlyList<StepResult> ramp, double p99LimitMs) =>
        ramp.TakeWhile(step => step.MeetsGoal(p99LimitMs)).LastOrDefault();

    public static string Line(StepResult step) =>
        string.Join("  ", Headers.Skip(1).Zip(Row(step.Shape, step).Skip(1), (header, cell) => $"{header}: {cell}"))
        + (step.Error is null ? string.Empty : $"  error: {step.Error}");

    private static void AddPair(List<IReadOnlyList<string>> rows, string label, IReadOnlyList<StepResult> pair)
    {
        var rehome = pair.FirstOrDefault(step => step.Stack == LoadOptions.ReHome);
        var peer = pair.FirstOrDefault(step => step.Stack == LoadOptions.SocketIo);
        foreach (var step in pair)
        {
            rows.Add(Row(label, step));
        }

        if (rehome is not null && peer is not null)
        {
            rows.Add(Ratio(label, rehome, peer));
        }
    }

    private static IReadOnlyList<string> Row(string label, StepResult step)
    {
        if (step.Error is not null)
        {
            return [label, step.Stack, Integer(step.Rate), Integer(step.Connections), "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", step.Error];
        }

        var latency = step.Latency;
        return
        [
            label, step.Stack, Integer(step.Rate), Integer(step.Connections),
            Number(latency.P50, 1), Number(latency.P95, 1), Number(latency.P99, 1), Number(latency.Max, 1),
            Integer(step.DeliveriesPerSecond), Integer(step.Lost), Integer(step.Duplicated), Floor(step.ProducerOnSchedule * 100),
            string.Join('/', step.Cpu.Select(value => Number(value, 0))),
            string.Join('/', step.PeakRssMiB.Select(value => Number(value, 0))),
            Number(step.CpuPer1kDeliveries, 2), Number(step.OtherCpuPercent, 0),
        ];
    }

    private static IReadOnlyList<string> Ratio(string label, StepResult rehome, StepResult peer)
    {
        string Of(double a, double b) => a is double.NaN || b is double.NaN || b == 0 ? "-" : Number(a / b, 2);
        if (rehome.Error is not null || peer.Error is not null)
        {
            return [label, "ReHome÷peer", "-", "", "-", "-", "-", "-", "-", "", "", "", "-", "-", "-", ""];
        }

        return
        [
            label, "ReHome÷peer", Of(rehome.Rate, peer.Rate), "",
            Of(rehome.Latency.P50, peer.Latency.P50), Of(rehome.Latency.P95, peer.Latency.P95), Of(rehome.Latency.P99, peer.Latency.P99), Of(rehome.Latency.Max, peer.Latency.Max),
            Of(rehome.DeliveriesPerSecond, peer.DeliveriesPerSecond), "", "", "",
            Of(rehome.ServerCpu, peer.ServerCpu), Of(rehome.PeakRssMiB.Sum(), peer.PeakRssMiB.Sum()),
            Of(rehome.CpuPer1kDeliveries, peer.CpuPer1kDeliveries), "",
        ];
    }

    /// <summary>One decimal, rounded down: 98.96 % shows as 98.9, not as a 99.0 that would seem to meet the goal.</summary>
    private static string Floor(double percent) => Number(Math.Floor(percent * 10) / 10, 1);

    private static string Integer(double value) => double.IsNaN(value) ? "-" : value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Number(double value, int decimals) =>
        double.IsNaN(value) ? "-" : value.ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture);
}
