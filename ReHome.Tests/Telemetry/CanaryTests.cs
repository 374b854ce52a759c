extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Health;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Canary;

namespace ReHome.Tests.Telemetry;

public sealed class CanaryTests(AppFixture fixture)
{
    [Fact]
    public async Task ASlowFirstRoundIsWarmUpAndDoesNotDegradeHealthButASlowSteadyStateDoes()
    {
        var canary = Options.Create(new CanaryOptions { WarmUpRounds = 1, MinimumSamples = 10 });
        var window = new CanaryLatencyWindow(canary, TimeProvider.System);
        var check = new CanaryHealthCheck(window, Options.Create(new AlertOptions { MaxCanaryP95Milliseconds = 50 }), canary);

        // A round that delivered nothing (Redis away at start) does not use up the warm-up.
        await RoundAsync(window, check, milliseconds: 0, tokens: 0);
        // The first round after start carries JIT compilation: 86 ms, as seen right after ./run.sh.
        var afterFirstRound = await RoundAsync(window, check, milliseconds: 86, tokens: 10);
        var afterFastRound = await RoundAsync(window, check, milliseconds: 5, tokens: 10);
        var slowSteadyWindow = new CanaryLatencyWindow(canary, TimeProvider.System);
        var slowSteadyCheck = new CanaryHealthCheck(slowSteadyWindow, Options.Create(new AlertOptions { MaxCanaryP95Milliseconds = 50 }), canary);
        await RoundAsync(slowSteadyWindow, slowSteadyCheck, milliseconds: 5, tokens: 10);
        var afterFewSlowTokens = await RoundAsync(slowSteadyWindow, slowSteadyCheck, milliseconds: 86, tokens: 5);
        var afterSlowSteadyState = await RoundAsync(slowSteadyWindow, slowSteadyCheck, milliseconds: 86, tokens: 10);

        Assert.Equal(HealthStatus.Healthy, afterFirstRound.Status);
        Assert.Contains("warming up", afterFirstRound.Description);
        Assert.Equal(HealthStatus.Healthy, afterFastRound.Status);
        Assert.StartsWith("canary p95 5.0 ms over 10 tokens", afterFastRound.Description);
        Assert.Equal(HealthStatus.Healthy, afterFewSlowTokens.Status);
        Assert.Contains("5 of 10 samples", afterFewSlowTokens.Description);
        Assert.Equal(HealthStatus.Degraded, afterSlowSteadyState.Status);
        Assert.Contains("canary p95 emit-to-receive 86.0 ms over 15 tokens, above 50 ms", afterSlowSteadyState.Description);
    }

    [Fact]
    public async Task WorkerStartsShareOneCanaryThreadInsteadOfCreatingOneEach()
    {
        await using var lane = WorkerLane.Start(fixture);
        var settings = new Dictionary<string, string?>
        {
            ["services:api:http:0"] = lane.Api.BaseAddress.ToString(),
            ["Canary:Interval"] = "00:00:00.300",
            ["Canary:Tokens"] = "5",
            ["Canary:TokenSpacing"] = "00:00:00.005",
            ["Canary:MinimumSamples"] = "5",
            ["Alerts:MaxCanaryP95Milliseconds"] = "60000",
        };
        var first = await lane.StartWorkerAsync(settings);
        var second = await lane.StartWorkerAsync(settings);

        foreach (var worker in new[] { first, second })
        {
            await Eventually.MatchesAsync(
                () => CheckAsync(worker, "canary-latency"), entry => entry.Description?.StartsWith("canary p95", StringComparison.Ordinal) == true,
                TestTimeouts.Default, "the canary timing tokens");
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var canaryThreads = await CanaryThreadsAsync(redis);
        var shared = (string?)await redis.GetDatabase().StringGetAsync(StreamNames.Keys.CanaryThread);

        // The shared application's worker started first: its thread is the one every later start reuses.
        Assert.Single(canaryThreads);
        Assert.Equal(canaryThreads[0], shared);
    }

    [Fact]
    public async Task AWorkerStoppingMidRoundEndsItsCanaryStreamInsteadOfLeavingItLive()
    {
        var lane = WorkerLane.Start(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        StreamRef stream;
        try
        {
            // Rounds of 50 s: the worker is certainly mid-round when it stops.
            await lane.StartWorkerAsync(new Dictionary<string, string?>
            {
                ["services:api:http:0"] = lane.Api.BaseAddress.ToString(),
                ["Canary:Tokens"] = "1000",
                ["Canary:TokenSpacing"] = "00:00:00.050",
            });
            // The shared application's canary sends 10 tokens a round: a stream past seq 20 is this worker's.
            stream = await Eventually.MatchesAsync(
                () => LongCanaryStreamAsync(redis), found => found is not null, TestTimeouts.Default, "the worker's canary stream past seq 20") ?? default!;
        }
        finally
        {
            await lane.DisposeAsync();
        }

        var done = await redis.GetDatabase().HashGetAsync(StreamNames.Keys.Done(stream), "status");
        Assert.False(await redis.GetDatabase().KeyExistsAsync(StreamNames.Keys.Seq(stream)), "the canary stream is still live");
        Assert.Equal("aborted", (string?)done);
    }

    private static async Task<StreamRef?> LongCanaryStreamAsync(ConnectionMultiplexer redis)
    {
        var database = redis.GetDatabase();
        var thread = (string?)await database.StringGetAsync(StreamNames.Keys.CanaryThread);
        foreach (var member in await database.SortedSetRangeByRankAsync(StreamNames.Keys.Active))
        {
            if (StreamRef.TryParseKey(member!, out var stream) && stream.ThreadId == thread
                && (long?)await database.StringGetAsync(StreamNames.Keys.Seq(stream)) > 20)
            {
                return stream;
            }
        }

        return null;
    }

    private static async Task<HealthCheckResult> RoundAsync(CanaryLatencyWindow window, CanaryHealthCheck check, double milliseconds, int tokens)
    {
        window.BeginRound();
        for (var token = 0; token < tokens; token++)
        {
            window.Record(milliseconds);
        }

        return await check.CheckHealthAsync(new HealthCheckContext());
    }

    /// <summary>Every thread owned by the canary's user, found by a SCAN of the thread hashes.</summary>
    private static async Task<string[]> CanaryThreadsAsync(ConnectionMultiplexer redis)
    {
        var database = redis.GetDatabase();
        var threads = new List<string>();
        var prefix = StreamNames.Keys.Thread(string.Empty);
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: prefix + "*", pageSize: 1_000))
        {
            var threadId = ((string)key!)[prefix.Length..];
            // Other tests leave keys of other types here on purpose (a wrong-type thread key makes Redis fail).
            if (!threadId.Contains(':', StringComparison.Ordinal)
                && await database.KeyTypeAsync(key) == RedisType.Hash
                && await database.HashGetAsync(key, "ownerId") == LatencyCanary.UserId)
            {
                threads.Add(threadId);
            }
        }

        return [.. threads];
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services, string name)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == name);
        return report.Entries[name];
    }
}
