using System.Diagnostics;
using System.Globalization;
using ReHome.Benchmarks.Clients;
using ReHome.Benchmarks.Processes;
using ReHome.Contracts;
using ReHome.Streaming.Runs;

namespace ReHome.Benchmarks.Soak;

/// <summary>
/// Steady streams for a while: N ReHomeClient clients (a few per thread) on the apis, runs queued
/// continuously (a fixed number at once), each run's clients judged against its log when it ends.
/// Samples every service's resident memory and Redis used_memory every 10 s and prints the series,
/// the totals and a trend (last third against first third, after warm-up). Bounded; cleans up.
/// </summary>
internal static class SoakBenchmark
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(SoakOptions options, CancellationToken cancellationToken)
    {
        var build = await ServiceBuild.BuildAsync(options.SkipBuild, cancellationToken);
        var retention = options.Retention.ToString("c", CultureInfo.InvariantCulture);
        var settings = new ClusterSettings(
            options.Apis, options.Workers, options.ReplyTokens, options.TokensPerSecond, TimeSpan.FromSeconds(10), WorkerConcurrency: options.RunsAtOnce,
            Environment: new Dictionary<string, string> { ["Streaming__LogRetention"] = retention, ["Streaming__EndedRetention"] = retention });
        var threadCount = Math.Max(1, (int)Math.Ceiling(options.Connections / (double)options.ClientsPerThread));
        var lanes = Math.Min(options.RunsAtOnce, threadCount);
        var duration = TimeSpan.FromMinutes(options.Minutes);
        Console.WriteLine(
            $"soak: {options.Connections} connections on {threadCount} threads, {lanes} runs at once ({options.ReplyTokens} tokens at {options.TokensPerSecond}/s), " +
            $"{options.Apis} api(s), {options.Workers} worker(s), {duration.TotalMinutes:0.#} min; " +
            $"ended streams kept {options.Retention.TotalSeconds:0} s (Streaming:LogRetention, EndedRetention)");
        await using var cluster = await ProcessCluster.StartAsync(settings, build, cancellationToken);
        using var rest = await ApiRest.SignInAsync(cluster.Apis, "soak", cancellationToken);
        var threads = await CreateThreadsAsync(rest, threadCount, cancellationToken);
        var clients = threads.ToDictionary(thread => thread, _ => new List<ThreadWatcher>());
        var totals = new SoakTotals();
        var samples = new List<MemorySample>();
        try
        {
            Console.WriteLine($"connecting {options.Connections} clients …");
            await Parallel.ForAsync(0, options.Connections, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (index, token) =>
            {
                var thread = threads[index % threads.Count];
                var client = await ThreadWatcher.ConnectAsync(cluster.Apis, index, thread, rest.AccessToken, token);
                lock (clients)
                {
                    clients[thread].Add(client);
                }
            });

            var clock = Stopwatch.StartNew();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            stop.CancelAfter(duration);
            var runLoops = Enumerable.Range(0, lanes).Select(lane => RunLaneAsync(
                rest, [.. threads.Where((_, index) => index % lanes == lane)], clients, settings, totals, stop.Token, cancellationToken)).ToArray();
            var header = Sample.Columns(cluster);
            Console.WriteLine(string.Join("  ", header));
            while (!stop.IsCancellationRequested)
            {
                var sample = await Sample.TakeAsync(cluster, clock.Elapsed, totals);
                samples.Add(sample);
                Console.WriteLine(Sample.Line(sample, header));
                try
                {
                    await Task.Delay(SampleEvery, stop.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // The soak's time is up.
                }
            }

            // Runs in flight finish (bounded by each lane's own wait).
            await Task.WhenAll(runLoops);
        }
        finally
        {
            await Task.WhenAll(clients.Values.SelectMany(list => list).Select(client => client.DisposeAsync().AsTask()));
        }

        Console.WriteLine();
        Console.WriteLine(Sample.Table(samples));
        Console.WriteLine();
        Console.WriteLine(Sample.Trend(samples, filling: options.Retention + settings.RunLength));
        Console.WriteLine(
            $"runs ended: {totals.RunsEnded} ({totals.RunsNotCompleted} not completed), not terminal: {totals.RunsNotTerminal}; " +
            $"tokens shown: {totals.TokensShown}; lost: {totals.Lost}; twice: {totals.Twice}; wrong text: {totals.WrongText} client streams");
        var exited = cluster.ExitedByThemselves();
        Console.WriteLine($"services that exited by themselves: {(exited.Count == 0 ? "none" : string.Join(", ", exited))}");
        Console.WriteLine($"logs: {cluster.LogDirectory}");
        return totals is { Lost: 0, Twice: 0, WrongText: 0, RunsNotTerminal: 0, RunsNotCompleted: 0 } && exited.Count == 0 ? 0 : 1;
    }

    private static async Task<List<string>> CreateThreadsAsync(ApiRest rest, int count, CancellationToken cancellationToken)
    {
        var threads = new List<string>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (index, token) =>
        {
            var thread = await rest.CreateThreadAsync($"soak {index}", token);
            lock (threads)
            {
                threads.Add(thread);
            }
        });
        return threads;
    }

    /// <summary>One run after another on the lane's threads until <paramref name="stop"/>; each run judged over all its clients.</summary>
    private static async Task RunLaneAsync(
        ApiRest rest, IReadOnlyList<string> threads, Dictionary<string, List<ThreadWatcher>> clients, ClusterSettings settings, SoakTotals totals,
        CancellationToken stop, CancellationToken cancellationToken)
    {
        var waitLimit = settings.RunLength + settings.VisibilityTimeout + TimeSpan.FromSeconds(60);
        for (var turn = 0; !stop.IsCancellationRequested; turn++)
        {
            var thread = threads[turn % threads.Count];
            RunView? run;
            try
            {
                run = await rest.QueueRunAsync(thread, $"soak run {turn}", cancellationToken);
                var clock = Stopwatch.StartNew();
                while (!RunStatuses.IsFinal(run.Status) && clock.Elapsed < waitLimit)
                {
                    await Task.Delay(1_000, cancellationToken);
                    run = await rest.GetRunAsync(thread, run.Id, cancellationToken) ?? run;
                }
            }
            catch (HttpRequestException exception)
            {
                Console.WriteLine($"  a run on {thread} could not be queued or read: {exception.Message}");
                continue;
            }

            try
            {
                await JudgeAsync(rest, thread, run, clients[thread], settings.ReplyTokens, totals, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                Console.WriteLine($"  the log of {run.StreamId} could not be read: {exception.Message}");
            }
        }
    }

    private static async Task JudgeAsync(
        ApiRest rest, string thread, RunView run, IReadOnlyList<ThreadWatcher> clients, int replyTokens, SoakTotals totals, CancellationToken cancellationToken)
    {
        var terminal = RunStatuses.IsFinal(run.Status);
        // A bounded moment for every client to replay up to the last seq.
        var clock = Stopwatch.StartNew();
        while (terminal && clock.Elapsed < TimeSpan.FromSeconds(10) && clients.Any(client => (client.Snapshot(run.StreamId)?.Contiguous ?? 0) < run.LastSeq))
        {
            await Task.Delay(250, cancellationToken);
        }

        var (_, lastSeq, tokens) = await rest.GetTokensAsync(thread, run.StreamId, cancellationToken);
        var log = tokens.GroupBy(token => token.Seq).ToDictionary(group => group.Key, group => group.First().Token);
        var verdicts = clients.Select(client =>
        {
            var snapshot = client.Snapshot(run.StreamId);
            client.Forget(run.StreamId);
            return (StreamVerdict.Judge(snapshot, log, lastSeq, run.Status == RunStatuses.Completed, replyTokens), snapshot?.Shown.Count ?? 0);
        }).ToArray();
        totals.Add(terminal, run.Status == RunStatuses.Completed, verdicts);
    }
}
