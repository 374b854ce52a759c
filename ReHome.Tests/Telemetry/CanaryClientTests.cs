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
        await using var canary = await CanaryOnItsOwnRedis.StartAsync(
            tokens: 30, TimeSpan.FromMilliseconds(100), settings: new Dictionary<string, string?> { ["Canary:ReceiveTimeout"] = "00:00:15" });
        var (redis, logs) = (canary.Redis, canary.Logs);
        await using var admin = await redis.ConnectAsync();
        await Eventually.MatchesAsync(
            canary.CanaryHealthAsync,
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
