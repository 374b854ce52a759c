extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using worker::ReHome.Worker.Canary;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A Redis, an api and a worker-like host running the latency canary, all of their own, so a test can
/// pause that Redis or cut the api's backplane without disturbing any other test. The canary runs fast
/// rounds with no warm-up against a p95 bar nothing misses (60 s): a test reads what it measures.
/// </summary>
public sealed class CanaryOnItsOwnRedis : IAsyncDisposable
{
    private CanaryOnItsOwnRedis(IsolatedRedis redis, ApiReplica api, WorkerLikeHost worker, AlertsWarningCollector logs) =>
        (Redis, Api, Worker, Logs) = (redis, api, worker, logs);

    public IsolatedRedis Redis { get; }

    public ApiReplica Api { get; }

    public WorkerLikeHost Worker { get; }

    /// <summary>The worker's warnings (the canary's among them).</summary>
    public AlertsWarningCollector Logs { get; }

    /// <param name="tokens">tokens per round (<c>Canary:Tokens</c>)</param>
    /// <param name="tokenSpacing"><c>Canary:TokenSpacing</c></param>
    /// <param name="beforeCanary">services started before the canary's (given the Redis, to act on it)</param>
    /// <param name="settings">worker settings over the defaults above</param>
    public static async Task<CanaryOnItsOwnRedis> StartAsync(
        int tokens, TimeSpan tokenSpacing, Action<HostApplicationBuilder, IsolatedRedis>? beforeCanary = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var redis = await IsolatedRedis.StartAsync();
        var api = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        var workerSettings = new Dictionary<string, string?>(ApiReplica.SettingsLike(redis.ConnectionString))
        {
            ["services:api:http:0"] = api.BaseAddress.ToString(),
            ["Canary:Interval"] = "00:00:00.300",
            ["Canary:Tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Canary:TokenSpacing"] = tokenSpacing.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Canary:WarmUpRounds"] = "0",
            ["Canary:MinimumSamples"] = "5",
            ["Alerts:MaxCanaryP95Milliseconds"] = "60000",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            workerSettings[name] = value;
        }

        var logs = new AlertsWarningCollector();
        try
        {
            var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString, builder =>
            {
                builder.Logging.AddProvider(logs);
                beforeCanary?.Invoke(builder, redis);
                builder.AddLatencyCanary();
            }, workerSettings);
            return new CanaryOnItsOwnRedis(redis, api, worker, logs);
        }
        catch
        {
            await api.DisposeAsync();
            await redis.DisposeAsync();
            throw;
        }
    }

    /// <summary>The canary's health check entry as the worker reports it now.</summary>
    public async Task<HealthReportEntry> CanaryHealthAsync() =>
        (await Worker.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "canary-latency")).Entries["canary-latency"];

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        await Api.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
