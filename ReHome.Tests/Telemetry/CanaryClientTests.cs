extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Canary;

namespace ReHome.Tests.Telemetry;

/// <summary>The canary receives as a ReHome.Client: what the api's live path loses mid-round, the client's replay brings.</summary>
public sealed class CanaryClientTests
{
    [Fact]
    public async Task TokensTheApiMissedWhileItsBackplaneWasDownStillReachTheCanaryInItsRound()
    {
        // A Redis and an api of their own: the api's backplane loses its subscription mid-round, disturbing no other test.
        await using var redis = await IsolatedRedis.StartAsync();
        await using var api = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        var settings = new Dictionary<string, string?>(ApiReplica.SettingsLike(redis.ConnectionString))
        {
            ["services:api:http:0"] = api.BaseAddress.ToString(),
            ["Canary:Interval"] = "00:00:00.300",
            ["Canary:Tokens"] = "30",
            ["Canary:TokenSpacing"] = "00:00:00.100",
            ["Canary:ReceiveTimeout"] = "00:00:15",
            ["Canary:WarmUpRounds"] = "0",
            ["Canary:MinimumSamples"] = "5",
            ["Alerts:MaxCanaryP95Milliseconds"] = "60000",
        };
        var logs = new AlertsWarningCollector();
        await using var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString, builder =>
        {
            builder.Logging.AddProvider(logs);
            builder.AddLatencyCanary();
        }, settings);
        await using var admin = await redis.ConnectAsync();
        await Eventually.MatchesAsync(
            async () => (await worker.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Name == "canary-latency")).Entries["canary-latency"],
            entry => entry.Description?.StartsWith("canary p95", StringComparison.Ordinal) == true, TestTimeouts.Recovery, "the canary measuring");
        var (stream, seq) = await Eventually.MatchesAsync(() => LiveCanaryStreamAsync(admin), live => live.Seq >= 10, TestTimeouts.Recovery, "a canary round past seq 10");

        // About ten tokens of the round are written while the api cannot hear them.
        await redis.LockOutNewConnectionsAsync();
        Assert.True(await redis.KillSubscriptionsAsync() >= 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await redis.LetNewConnectionsInAsync();
        // A later round starting again from seq 1 means the cut round was judged (or timed out) first.
        await Eventually.MatchesAsync(
            async () => (long?)await admin.GetDatabase().StringGetAsync(StreamNames.Keys.Seq(stream)) ?? long.MaxValue,
            current => current < seq, TestTimeouts.Recovery, "the next canary round");

        Assert.DoesNotContain(logs.Warnings, warning => warning.Message.StartsWith("Canary", StringComparison.Ordinal));
    }

    private static async Task<(StreamRef Stream, long Seq)> LiveCanaryStreamAsync(ConnectionMultiplexer redis)
    {
        var database = redis.GetDatabase();
        var thread = (string?)await database.StringGetAsync(StreamNames.Keys.CanaryThread);
        foreach (var member in await database.SortedSetRangeByRankAsync(StreamNames.Keys.Active))
        {
            if (StreamRef.TryParseKey(member!, out var stream) && stream.ThreadId == thread
                && (long?)await database.StringGetAsync(StreamNames.Keys.Seq(stream)) is { } seq)
            {
                return (stream, seq);
            }
        }

        return (default, 0);
    }
}
