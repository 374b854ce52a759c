using System.Text.Json;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// What the load-client processes (client.js) wrote into one step's folder: <c>lat-N.bin</c> (Float32
/// µs, the first receipt of each token inside the window) and <c>summary-N.json</c> (counts per process).
/// </summary>
internal sealed record ClientOutputs(IReadOnlyList<double> LatenciesMs, long Expected, long Measured, long Lost, long Duplicated, long OutOfOrder, int Processes)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ClientOutputs Read(string directory)
    {
        var latencies = new List<double>();
        foreach (var file in Directory.EnumerateFiles(directory, "lat-*.bin"))
        {
            var bytes = File.ReadAllBytes(file);
            for (var offset = 0; offset + 4 <= bytes.Length; offset += 4)
            {
                latencies.Add(BitConverter.ToSingle(bytes, offset) / 1000.0);
            }
        }

        var summaries = Directory.EnumerateFiles(directory, "summary-*.json")
            .Select(file => JsonSerializer.Deserialize<Summary>(File.ReadAllText(file), Json)!)
            .ToArray();
        return new ClientOutputs(
            latencies,
            summaries.Sum(summary => summary.Expected),
            summaries.Sum(summary => summary.Measured),
            summaries.Sum(summary => summary.Lost),
            summaries.Sum(summary => summary.Dups),
            summaries.Sum(summary => summary.Ooo),
            summaries.Length);
    }

    /// <summary>Deletes a previous step's files, so a process that wrote nothing is not read for it.</summary>
    public static void Clear(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "lat-*.bin").Concat(Directory.EnumerateFiles(directory, "summary-*.json")))
        {
            File.Delete(file);
        }
    }

    private sealed record Summary(long Expected, long Measured, long Lost, long Dups, long Ooo);
}
