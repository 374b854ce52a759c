using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Telemetry;

public sealed class RedisEvictionPolicyTests(AppFixture fixture)
{
    private const string Check = "redis-maxmemory-policy";

    [Fact]
    public async Task AnEvictingMaxMemoryPolicyTurnsApiAndWorkerHealthDegradedAndIsAWarningAtStart()
    {
        await using var redis = await IsolatedRedis.StartAsync("--maxmemory-policy", "allkeys-lru");
        await using var replica = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        using var api = new HttpClient { BaseAddress = replica.BaseAddress };
        var logs = new AlertsWarningCollector();
        await using var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString, builder => builder.Logging.AddProvider(logs));

        var apiHealth = await HealthProbe.GetAsync(api);
        var workerCheck = (await worker.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == Check)).Entries[Check];
        var warning = await Eventually.MatchesAsync(
            () => Task.FromResult(logs.Warnings.Select(warning => warning.Message).FirstOrDefault(message => message.Contains("maxmemory-policy", StringComparison.Ordinal))),
            message => message is not null, TestTimeouts.Default, "a start-up warning about maxmemory-policy");

        Assert.Equal("degraded", apiHealth.Status);
        Assert.Equal("degraded", CheckOf(apiHealth).GetProperty("status").GetString());
        Assert.Contains("maxmemory-policy is allkeys-lru", CheckOf(apiHealth).GetProperty("reason").GetString());
        Assert.Equal(HealthStatus.Degraded, workerCheck.Status);
        Assert.Contains("Set maxmemory-policy noeviction", workerCheck.Description);
        Assert.Contains("allkeys-lru", warning);
    }

    [Fact]
    public async Task NoEvictionIsHealthy()
    {
        using var api = fixture.CreateHttpClient("api");

        var health = await HealthProbe.GetAsync(api);

        Assert.Equal("ok", CheckOf(health).GetProperty("status").GetString());
    }

    private static JsonElement CheckOf(HealthProbe health) =>
        JsonDocument.Parse(health.Body).RootElement.GetProperty("checks").GetProperty(Check);
}
