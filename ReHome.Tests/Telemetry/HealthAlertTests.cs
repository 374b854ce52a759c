using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Telemetry;

/// <summary>Crosses the runbook's alert thresholds on the shared Redis, so it runs alone, after the parallel tests.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class HealthAlertTests(AppFixture fixture)
{
    [Fact]
    public async Task MoreThan100LiveSequencesTurnHealthDegradedWithTheReasonOnTheDashboardAndOkWhenTheyEnd()
    {
        using var api = fixture.CreateHttpClient("api");
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        var streams = Enumerable.Range(1, 101).Select(index => new StreamRef(threadId, $"leak-{index}")).ToArray();
        foreach (var stream in streams)
        {
            await producer.EmitAsync(stream, "run-leak", 1);
        }

        try
        {
            var degraded = await Eventually.MatchesAsync(
                () => HealthProbe.GetAsync(api), health => health.Status == "degraded", TestTimeouts.Recovery, "api /health turning degraded");
            Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
            Assert.Equal("degraded", CheckStatus(degraded, "live-sequences"));
            Assert.Contains("above 100", CheckReason(degraded, "live-sequences"));

            // The dashboard shows the resource Degraded, with the check's reason.
            var resource = await fixture.App.ResourceNotifications.WaitForResourceAsync(
                "api", state => state.Snapshot.HealthStatus == HealthStatus.Degraded).WaitAsync(TestTimeouts.Recovery);
            Assert.Contains(resource.Snapshot.HealthReports, report => report.Description?.Contains("live-sequences", StringComparison.Ordinal) == true);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await producer.Streaming.CompleteAsync(stream, "run-leak");
            }
        }

        var recovered = await Eventually.MatchesAsync(
            () => HealthProbe.GetAsync(api), health => health.Status == "ok", TestTimeouts.Recovery, "api /health back to ok");
        Assert.Equal("ok", CheckStatus(recovered, "live-sequences"));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("api").WaitAsync(TestTimeouts.Recovery);
    }

    [Fact]
    public async Task AStreamWithoutATokenForLongerThanTheStuckThresholdTurnsHealthDegraded()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Alerts:StuckAfter"] = "00:00:01";
        await using var replica = ApiReplica.Start(settings);
        using var api = new HttpClient { BaseAddress = replica.BaseAddress };
        using var alice = await fixture.SignInAsync();
        var stream = new StreamRef(await alice.CreateThreadAsync(), "hung");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-hung", 2);

        var stuck = await Eventually.MatchesAsync(
            () => HealthProbe.GetAsync(api), health => CheckStatus(health, "stuck-streams") == "degraded", TestTimeouts.Default, "stuck-streams turning degraded");
        await producer.Streaming.CompleteAsync(stream, "run-hung");
        var cleared = await Eventually.MatchesAsync(
            () => HealthProbe.GetAsync(api), health => CheckStatus(health, "stuck-streams") == "ok", TestTimeouts.Default, "stuck-streams back to ok");

        Assert.Contains("without a token", CheckReason(stuck, "stuck-streams"));
        Assert.Equal("ok", CheckStatus(cleared, "stuck-streams"));
    }

    [Fact]
    public async Task RedisMemoryAboveTheLimitTurnsHealthDegraded()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Alerts:MaxRedisMemoryBytes"] = "1";
        await using var replica = ApiReplica.Start(settings);
        using var api = new HttpClient { BaseAddress = replica.BaseAddress };

        var health = await HealthProbe.GetAsync(api);

        Assert.Equal("degraded", health.Status);
        Assert.Equal("degraded", CheckStatus(health, "redis-memory"));
        Assert.Contains("Alerts:MaxRedisMemoryBytes", CheckReason(health, "redis-memory"));
    }

    [Fact]
    public async Task TheCanaryTimesTokensThroughTheApiAndItsP95IsHeldAgainstTheBar()
    {
        await using var lane = WorkerLane.Start(fixture);
        var strict = await lane.StartWorkerAsync(Canary(lane, maxP95Milliseconds: "0.1"));
        var lenient = await lane.StartWorkerAsync(Canary(lane, maxP95Milliseconds: "60000"));

        var tooSlow = await Eventually.MatchesAsync(
            () => CheckAsync(strict, "canary-latency"), entry => entry.Status == HealthStatus.Degraded, TestTimeouts.Default, "canary p95 over 0.1 ms");
        var fine = await Eventually.MatchesAsync(
            () => CheckAsync(lenient, "canary-latency"), entry => entry.Description?.StartsWith("canary p95", StringComparison.Ordinal) == true,
            TestTimeouts.Default, "canary p95 measured");

        Assert.Contains("above 0.1 ms", tooSlow.Description);
        Assert.Equal(HealthStatus.Healthy, fine.Status);
    }

    [Fact]
    public async Task MoreErrorsThanAllowedTurnHealthDegraded()
    {
        await using var provider = await FakeOpenAIServer.FailingAsync(statusCode: 503);
        await using var lane = WorkerLane.Start(fixture);
        var worker = await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:MaxAttempts", "1"), ("Alerts:MaxErrors", "0")));
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(worker, "error-rate")).Status);
        await alice.CreateRunAsync(threadId, "fails");
        var degraded = await Eventually.MatchesAsync(
            () => CheckAsync(worker, "error-rate"), entry => entry.Status == HealthStatus.Degraded, TestTimeouts.Default, "error-rate turning degraded");

        Assert.Contains("Alerts:MaxErrors", degraded.Description);
    }

    private static Dictionary<string, string?> Canary(WorkerLane lane, string maxP95Milliseconds) => new()
    {
        ["services:api:http:0"] = lane.Api.BaseAddress.ToString(),
        ["Canary:Interval"] = "00:00:00.300",
        ["Canary:Tokens"] = "5",
        ["Canary:TokenSpacing"] = "00:00:00.005",
        ["Alerts:MaxCanaryP95Milliseconds"] = maxP95Milliseconds,
    };

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider services, string name)
    {
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == name);
        return report.Entries[name];
    }

    private static string? CheckStatus(HealthProbe health, string check) =>
        JsonDocument.Parse(health.Body).RootElement.GetProperty("checks").GetProperty(check).GetProperty("status").GetString();

    private static string CheckReason(HealthProbe health, string check) =>
        JsonDocument.Parse(health.Body).RootElement.GetProperty("checks").GetProperty(check).TryGetProperty("reason", out var reason)
            ? reason.GetString() ?? string.Empty
            : string.Empty;
}
