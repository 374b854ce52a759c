using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Faults;

/// <summary>
/// One fault, injected while the streams run; <see cref="Outage"/> is how long it keeps a part away.
/// <see cref="LosesData"/>: Redis loses the runs themselves, so they cannot complete — the goal is that
/// every client is told (the stream's reset), not that they complete.
/// </summary>
internal sealed record FaultScenario(string Name, string Description, TimeSpan Outage, Func<ProcessCluster, CancellationToken, Task> InjectAsync, bool LosesData = false)
{
    private static readonly TimeSpan OutOfMemoryFor = TimeSpan.FromSeconds(10);

    public static IReadOnlyList<FaultScenario> All { get; } =
    [
        new("worker-kill", "SIGKILL a worker (the other takes its runs over)", TimeSpan.Zero, async (cluster, _) => Kill(await cluster.BusiestWorkerAsync())),
        new("api-kill", "SIGKILL an api (its clients move to the other)", TimeSpan.Zero, (cluster, _) => { Kill(cluster.Api(0)); return Task.CompletedTask; }),
        RedisDown(TimeSpan.FromSeconds(3)),
        RedisDown(TimeSpan.FromSeconds(15)),
        RedisDown(TimeSpan.FromSeconds(30)),
        new("redis-oom", $"Redis maxmemory just above used_memory for {OutOfMemoryFor.TotalSeconds:0} s (writes refused), then unlimited", OutOfMemoryFor, OutOfMemoryAsync),
        new("redis-dataloss", "FLUSHALL mid-stream (Redis lost its data)", TimeSpan.Zero, (cluster, _) => cluster.Redis.FlushAllAsync(), LosesData: true),
    ];

    public static IReadOnlyList<FaultScenario> Select(IReadOnlyCollection<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return All;
        }

        var unknown = names.Where(name => All.All(scenario => scenario.Name != name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown scenario(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", All.Select(scenario => scenario.Name))}");
        }

        return [.. All.Where(scenario => names.Contains(scenario.Name))];
    }

    private static FaultScenario RedisDown(TimeSpan down) =>
        new($"redis-{down.TotalSeconds:0}s", $"stop Redis (SIGTERM), {down.TotalSeconds:0} s down, start it again (same port, same AOF)", down, async (cluster, cancellationToken) =>
        {
            await cluster.Redis.StopAsync();
            await Task.Delay(down, cancellationToken);
            await cluster.Redis.StartAgainAsync(cancellationToken);
        });

    private static void Kill(ProcessCluster.Service service)
    {
        Console.WriteLine($"  SIGKILL {service.Name} (pid {service.Process?.Id})");
        service.Process?.Kill();
    }

    private static async Task OutOfMemoryAsync(ProcessCluster cluster, CancellationToken cancellationToken)
    {
        var used = await cluster.Redis.UsedMemoryAsync();
        await cluster.Redis.SetMaxMemoryAsync(used + 64 * 1024);
        try
        {
            await Task.Delay(OutOfMemoryFor, cancellationToken);
        }
        finally
        {
            await cluster.Redis.SetMaxMemoryAsync(0);
        }
    }
}
