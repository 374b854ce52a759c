using System.Net.Http.Headers;
using ReHome.Benchmarks.Clients;
using ReHome.Benchmarks.Processes;
using ReHome.Client;
using ReHome.Contracts;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// ReHome under load, through the real path: Redis, one api and one worker as separate processes (no
/// AppHost, no proxy). Each step starts the api and worker afresh with the step's pace
/// (<c>Agent:Offline:TokensPerSecond</c> = rate per thread, <c>ReplyTokens</c> long enough for
/// warm-up + window + tail, <c>Queue:Concurrency</c> = threads), starts the load clients, queues one run
/// per thread over REST, measures the window [warm-up end, warm-up end + measure] by emittedAt, and
/// judges the clients against what each stream's log holds in it.
/// </summary>
internal sealed class RehomeStack : IAsyncDisposable
{
    private const double TailSeconds = 5;
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan RunEndTimeout = TimeSpan.FromSeconds(20);
    private readonly ProcessCluster _cluster;
    private readonly ApiRest _rest;
    private readonly HttpClient _http;
    private readonly PeerWorkspace _workspace;
    private readonly LoadOptions _options;
    private readonly IReadOnlyList<string> _threads;

    private RehomeStack(ProcessCluster cluster, ApiRest rest, PeerWorkspace workspace, LoadOptions options, IReadOnlyList<string> threads)
    {
        _cluster = cluster;
        _rest = rest;
        _workspace = workspace;
        _options = options;
        _threads = threads;
        _http = new HttpClient { BaseAddress = cluster.Apis[0], Timeout = TimeSpan.FromSeconds(20) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", rest.AccessToken);
    }

    public string LogDirectory => _cluster.LogDirectory;

    public static async Task<RehomeStack> StartAsync(
        ServiceBuild.Outputs build, PeerWorkspace workspace, LoadOptions options, int threadCount, CancellationToken cancellationToken)
    {
        var cluster = await ProcessCluster.StartAsync(Settings(1, 1, 1), build, cancellationToken, "rehome-load-");
        try
        {
            var rest = await ApiRest.SignInAsync(cluster.Apis, "loadbench", cancellationToken);
            var threads = new string[threadCount];
            await Parallel.ForAsync(0, threadCount, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (index, token) =>
                threads[index] = await rest.CreateThreadAsync($"load {index}", token));
            return new RehomeStack(cluster, rest, workspace, options, threads);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<StepResult> RunStepAsync(LoadShape shape, int rate, CancellationToken cancellationToken)
    {
        var measure = _options.MeasureFor(shape);
        var warmup = _options.Warmup;
        var replyTokens = (int)Math.Ceiling(rate * (warmup + measure + TailSeconds));
        await _cluster.RestartAllAsync(Settings(shape.Threads, rate, replyTokens), cancellationToken);
        var directory = Directory.CreateDirectory(Path.Combine(_cluster.LogDirectory, $"{shape.Name}@{rate}")).FullName;
        var threads = _threads.Take(shape.Threads).ToArray();
        var hub = new Uri(_cluster.Apis[0], "hubs/agent");
        using var clients = await ClientFleet.StartAsync(_workspace, hub, _rest.AccessToken, threads, shape.ClientsPerThread, _options.ClientProcesses, directory, cancellationToken);
        var api = _cluster.Api(0).Process!.Id;
        var worker = _cluster.Worker(0).Process!.Id;
        var redis = _cluster.Redis.ProcessId ?? 0;
        var watched = new Dictionary<string, int> { ["api"] = api, ["worker"] = worker, ["redis"] = redis };
        foreach (var (pid, index) in clients.ProcessIds.Select((pid, index) => (pid, index)))
        {
            watched[$"client{index}"] = pid;
        }

        var start = DateTimeOffset.UtcNow;
        var runs = await Task.WhenAll(threads.Select(thread => _rest.QueueRunAsync(thread, "load benchmark", cancellationToken)));
        var from = start.AddSeconds(warmup);
        var to = from.AddSeconds(measure);
        await DelayUntilAsync(from, cancellationToken);
        ProcessSampler.Usage usage;
        await using (var sampler = ProcessSampler.Start(watched))
        {
            await DelayUntilAsync(to, cancellationToken);
            usage = await sampler.StopAsync();
        }

        await Task.Delay(Drain, cancellationToken);
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds() * 1.0, to.ToUnixTimeMilliseconds() * 1.0);
        var truth = new StreamTruth(_http);
        var ranges = new Dictionary<string, long[]>();
        foreach (var run in runs)
        {
            ranges[run.ThreadId] = await truth.RangeAsync(run.ThreadId, run.StreamId, fromMs, toMs, rate, cancellationToken);
        }

        await clients.StopAsync(fromMs, toMs, ranges, cancellationToken);
        await EndRunsAsync(runs, cancellationToken);
        var outputs = ClientOutputs.Read(directory);
        var emitted = ranges.Values.Sum(range => Math.Max(0, range[1] - range[0] + 1));
        return new StepResult(
            shape.Name, LoadOptions.ReHome, rate, shape.Connections,
            LatencySummary.Of([.. outputs.LatenciesMs]),
            outputs.Measured / measure,
            shape.Connections * rate,
            outputs.Lost,
            outputs.Duplicated,
            emitted / (shape.Threads * rate * measure),
            [usage.CpuPercent.GetValueOrDefault("api", double.NaN), usage.CpuPercent.GetValueOrDefault("worker", double.NaN), usage.CpuPercent.GetValueOrDefault("redis", double.NaN)],
            [usage.PeakRssMiB.GetValueOrDefault("api", double.NaN), usage.PeakRssMiB.GetValueOrDefault("worker", double.NaN), usage.PeakRssMiB.GetValueOrDefault("redis", double.NaN)],
            usage.OtherCpuPercent);
    }

    /// <summary>Cancels the runs still streaming their tail and waits (bounded) until each is terminal, so the next step starts clean.</summary>
    private async Task EndRunsAsync(IReadOnlyList<RunView> runs, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(runs, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (run, token) =>
        {
            using var response = await _http.PostAsync(new Uri($"/api/threads/{run.ThreadId}/runs/{run.Id}/cancel", UriKind.Relative), null, token);
        });
        var deadline = DateTimeOffset.UtcNow + RunEndTimeout;
        foreach (var run in runs)
        {
            while (DateTimeOffset.UtcNow < deadline
                && await _rest.GetRunAsync(run.ThreadId, run.Id, cancellationToken) is { Status: "queued" or "running" })
            {
                await Task.Delay(200, cancellationToken);
            }
        }
    }

    private static async Task DelayUntilAsync(DateTimeOffset time, CancellationToken cancellationToken)
    {
        var wait = time - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static ClusterSettings Settings(int threads, int rate, int replyTokens) => new(
        Apis: 1,
        Workers: 1,
        ReplyTokens: replyTokens,
        TokensPerSecond: rate,
        VisibilityTimeout: TimeSpan.FromSeconds(30),
        WorkerConcurrency: Math.Max(1, threads),
        Environment: new Dictionary<string, string>
        {
            // Ended streams leave Redis soon, so one step's logs do not weigh on the next.
            ["Streaming__LogRetention"] = "00:00:30",
            ["Streaming__EndedRetention"] = "00:00:30",
            ["Threads__MaxCreatedPerUser"] = "1000",
        });

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _rest.Dispose();
        await _cluster.DisposeAsync();
    }
}
