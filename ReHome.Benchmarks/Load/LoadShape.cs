namespace ReHome.Benchmarks.Load;

/// <summary>
/// A workload shape of perfpeer's README: threads, clients per thread and tokens/s per thread — one
/// rate, or a ramp of rates run step by step until a step misses the goal (its knee is the last that met it).
/// </summary>
internal sealed record LoadShape(string Name, int Threads, int ClientsPerThread, IReadOnlyList<int> Rates, bool IsRamp)
{
    public const int MaxConnections = 1_000;

    public static readonly IReadOnlyList<string> Names = ["i", "ii", "iii", "iv-a", "iv-b"];

    public int Connections => Threads * ClientsPerThread;

    public static IReadOnlyList<LoadShape> Select(IReadOnlyList<string> names, IReadOnlyList<int> rampA, IReadOnlyList<int> rampB)
    {
        var unknown = names.Except(Names).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown shape(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Names)}");
        }

        LoadShape[] all =
        [
            new("i", 1, 1, [200], IsRamp: false),
            new("ii", 100, 1, [50], IsRamp: false),
            new("iii", 10, 100, [20], IsRamp: false),
            new("iv-a", 100, 1, rampA, IsRamp: true),
            new("iv-b", 10, 100, rampB, IsRamp: true),
        ];
        return [.. all.Where(shape => names.Contains(shape.Name))];
    }
}
