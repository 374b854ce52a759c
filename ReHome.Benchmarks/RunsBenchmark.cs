using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using ReHome.Client;
using ReHome.Streaming.Runs;

namespace ReHome.Benchmarks;

/// <summary>
/// Queues runs over REST as fast as the API takes them and lets the real worker (offline provider,
/// unthrottled) generate them, while one client subscribed to the thread receives every token.
/// Prints runs per second through the queue, tokens per second delivered, and the worker's memory.
/// </summary>
internal static class RunsBenchmark
{
    public static async Task<int> RunAsync(int runCount, int concurrency, int tokensPerRun, CancellationToken cancellationToken)
    {
        Console.WriteLine($"starting redis, api and worker (Queue:Concurrency={concurrency}, offline provider, {tokensPerRun} tokens a run, unthrottled) …");
        await using var app = await RunningApp.StartAsync(
            [],
            cancellationToken,
            workerEnvironment: new Dictionary<string, string>
            {
                ["Queue__Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Agent__Offline__TokensPerSecond"] = "0",
                ["Agent__Offline__ReplyTokens"] = tokensPerRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RateLimit__ActionsPerWindow"] = "1000000",
            },
            apiEnvironment: new Dictionary<string, string> { ["RateLimit__ActionsPerWindow"] = "1000000" });
        var (http, accessToken) = await app.SignInAsync("benchmark");
        using var _ = http;
        var threadId = await RunningApp.CreateThreadAsync(http);

        await using var client = app.CreateClient(accessToken);
        var completed = new ConcurrentDictionary<string, bool>();
        var tokens = 0L;
        var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await client.ConnectAsync(cancellationToken);
        await client.SubscribeAsync(
            threadId,
            new ThreadHandlers
            {
                OnToken = _ => Interlocked.Increment(ref tokens),
                OnRunUpdated = run =>
                {
                    if (RunStatuses.IsFinal(run.Status) && completed.TryAdd(run.Id, run.Status == RunStatuses.Completed) && completed.Count == runCount)
                    {
                        allDone.TrySetResult();
                    }
                },
            },
            cancellationToken: cancellationToken);

        var clock = Stopwatch.StartNew();
        // Several clients queue at once, as many browsers would.
        await Parallel.ForAsync(0, runCount, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (index, token) =>
        {
            using var response = await http.PostAsJsonAsync(
                $"/api/threads/{threadId}/runs", new { input = $"benchmark run {index}", priority = index % 4 == 0 ? "high" : "default" }, token);
            response.EnsureSuccessStatusCode();
        });

        var queued = clock.Elapsed;
        await Task.WhenAny(allDone.Task, Task.Delay(TimeSpan.FromMinutes(5), cancellationToken));
        var elapsed = clock.Elapsed;
        var memory = app.ProcessId("worker") is { } pid ? ProcessMemory.Of(pid) : null;

        Console.WriteLine($"runs queued:      {runCount} in {queued.TotalSeconds:0.00} s ({runCount / queued.TotalSeconds:0} runs/s accepted by the API)");
        Console.WriteLine($"runs finished:    {completed.Count} ({completed.Count(run => run.Value)} completed) in {elapsed.TotalSeconds:0.00} s");
        Console.WriteLine($"throughput:       {completed.Count / elapsed.TotalSeconds:0.0} runs/s through the queue, {Interlocked.Read(ref tokens) / elapsed.TotalSeconds:0} tokens/s delivered to the subscriber");
        Console.WriteLine($"tokens received:  {Interlocked.Read(ref tokens)} of {runCount * tokensPerRun}");
        Console.WriteLine(memory is { } m
            ? $"worker memory:    peak {m.PeakMiB:0} MiB resident (VmHWM), now {m.CurrentMiB:0} MiB (runbook bar: under 50 MB)"
            : "worker memory:    not readable here (needs /proc)");
        return completed.Count == runCount ? 0 : 1;
    }
}
