using System.Globalization;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Soak;

/// <summary>Takes the soak's memory samples and prints them: a live line each, the series as a table, and the trend.</summary>
internal static class Sample
{
    /// <summary>Samples in the first fifth (at least a minute) are warm-up: JIT, pools, caches filling.</summary>
    private static readonly TimeSpan MinimumWarmUp = TimeSpan.FromMinutes(1);

    public static async Task<MemorySample> TakeAsync(ProcessCluster cluster, TimeSpan at, SoakTotals totals)
    {
        var resident = cluster.Services.ToDictionary(
            service => service.Name,
            service => service.Process is { HasExited: false } process && ProcessMemory.Of(process.Id) is { } memory ? memory.CurrentMiB : double.NaN);
        double redis;
        try
        {
            redis = await cluster.Redis.UsedMemoryAsync() / (1024.0 * 1024.0);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            redis = double.NaN;
        }

        return new MemorySample(at, resident, redis, totals.RunsEnded, totals.TokensShown);
    }

    public static IReadOnlyList<string> Columns(ProcessCluster cluster) => Columns(cluster.Services.Select(service => service.Name));

    /// <summary>A live line, each cell under its column's header.</summary>
    public static string Line(MemorySample sample, IReadOnlyList<string> header) =>
        string.Join("  ", Cells(sample).Select((cell, column) => column == 0 ? cell.PadRight(header[column].Length) : cell.PadLeft(header[column].Length)));

    public static string Table(IReadOnlyList<MemorySample> samples) =>
        samples.Count == 0 ? "(no samples)" : TextTable.Format(Columns(samples[0].ResidentMiB.Keys), samples.Select(Cells));

    /// <summary>
    /// Per series: average of the last third against the first third of the samples after warm-up —
    /// the first fifth, at least a minute, and at least <paramref name="filling"/> (until ended streams
    /// start to expire, Redis grows by design).
    /// </summary>
    public static string Trend(IReadOnlyList<MemorySample> samples, TimeSpan filling)
    {
        if (samples.Count == 0)
        {
            return "trend: no samples";
        }

        var warmUp = TimeSpan.FromTicks(Math.Max(Math.Max(MinimumWarmUp.Ticks, filling.Ticks), samples[^1].At.Ticks / 5));
        var steady = samples.Where(sample => sample.At >= warmUp).ToArray();
        if (steady.Length < 3)
        {
            return $"trend: too few samples after the {warmUp.TotalSeconds:0} s warm-up (run longer, e.g. --minutes 10)";
        }

        var third = steady.Length / 3;
        var series = samples[0].ResidentMiB.Keys.Select(name => (Name: $"{name} RSS", Value: (Func<MemorySample, double>)(sample => sample.ResidentMiB[name])))
            .Append((Name: "redis used_memory", Value: sample => sample.RedisMiB));
        var lines = series.Select(one =>
        {
            var first = steady.Take(third).Average(one.Value);
            var last = steady.TakeLast(third).Average(one.Value);
            return FormattableString.Invariant($"  {one.Name,-20} first third {first,8:0.0} MiB   last third {last,8:0.0} MiB   change {(last - first) / first * 100,6:+0.0;-0.0} %");
        });
        return string.Join(Environment.NewLine, lines.Prepend($"trend after a {warmUp.TotalSeconds:0} s warm-up ({steady.Length} samples; flat = within a few %):"));
    }

    private static string[] Columns(IEnumerable<string> services) =>
        ["elapsed", .. services.Select(name => $"{name} RSS MiB"), "redis MiB", "runs ended", "tokens shown"];

    private static string[] Cells(MemorySample sample) =>
    [
        FormattableString.Invariant($"{sample.At.TotalSeconds:0} s"),
        .. sample.ResidentMiB.Values.Select(value => value.ToString("0.0", CultureInfo.InvariantCulture)),
        sample.RedisMiB.ToString("0.00", CultureInfo.InvariantCulture),
        sample.RunsEnded.ToString(CultureInfo.InvariantCulture),
        sample.TokensShown.ToString(CultureInfo.InvariantCulture),
    ];
}
