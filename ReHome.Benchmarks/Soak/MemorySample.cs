namespace ReHome.Benchmarks.Soak;

/// <summary>One 10-second sample: each service's resident set (MiB, by name), Redis used_memory (MiB), and progress.</summary>
internal sealed record MemorySample(TimeSpan At, IReadOnlyDictionary<string, double> ResidentMiB, double RedisMiB, int RunsEnded, long TokensShown);
