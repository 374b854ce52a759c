using ReHome.Benchmarks.Clients;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Faults;

/// <summary>
/// Redis, two apis and two workers as separate processes; per scenario, concurrent streams watched by
/// clients on both apis, one fault during them, and what the clients showed. Prints one row per
/// scenario; every wait is bounded, and every process it started is killed at the end (also on Ctrl+C).
/// </summary>
internal static class FaultBenchmark
{
    public static async Task<int> RunAsync(FaultOptions options, CancellationToken cancellationToken)
    {
        var scenarios = FaultScenario.Select(options.Scenarios);
        var build = await ServiceBuild.BuildAsync(options.SkipBuild, cancellationToken);
        // Every worker can take every run, so a worker's death leaves the other enough room to take its runs over.
        var settings = new ClusterSettings(Apis: 2, Workers: 2, options.ReplyTokens, options.TokensPerSecond, options.VisibilityTimeout, WorkerConcurrency: options.Streams);
        Console.WriteLine(
            $"fault benchmark: {options.Streams} streams × {options.ClientsPerStream} clients, {options.ReplyTokens} tokens at {options.TokensPerSecond}/s " +
            $"({settings.RunLength.TotalSeconds:0.#} s a run), Queue:VisibilityTimeout {options.VisibilityTimeout.TotalSeconds:0} s; " +
            $"scenarios: {string.Join(", ", scenarios.Select(scenario => scenario.Name))}");
        var outcomes = new List<ScenarioOutcome>();
        await using var cluster = await ProcessCluster.StartAsync(settings, build, cancellationToken);
        using var rest = await ApiRest.SignInAsync(cluster.Apis, "faultbench", cancellationToken);
        var runner = new ScenarioRunner(cluster, rest, options, settings);
        try
        {
            foreach (var scenario in scenarios)
            {
                await cluster.ReplaceExitedAsync(cancellationToken);
                Console.WriteLine($"scenario {scenario.Name} …");
                var outcome = await runner.RunAsync(scenario, cancellationToken);
                outcomes.Add(outcome);
                Console.WriteLine($"  {string.Join("  ", ScenarioOutcome.Headers.Zip(outcome.Cells, (header, cell) => $"{header}: {cell}"))}");
            }
        }
        finally
        {
            Console.WriteLine();
            Console.WriteLine(TextTable.Format(ScenarioOutcome.Headers, outcomes.Select(outcome => outcome.Cells)));
            Console.WriteLine();
            Console.WriteLine("lost/twice: tokens over every client; wrong text, told of reset: client streams; not terminal, not completed, late: runs;");
            Console.WriteLine("exited by itself: an api or worker that died without being killed (started again before the next scenario).");
            Console.WriteLine("goal: 0 lost, 0 twice, 0 wrong text, every run completed within its budget (visibility timeout + outage + run length);");
            Console.WriteLine("      on data loss, every client told of the reset.");
            Console.WriteLine($"logs (redis, api-N, worker-N) and Redis data: {cluster.LogDirectory}");
        }

        return outcomes.All(outcome => outcome.MeetsGoal) ? 0 : 1;
    }
}
