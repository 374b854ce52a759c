using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

/// <summary>
/// The smoke test receives as a ReHome.Client would (exactly once, replaying gaps), yet still reports
/// what the live path got wrong: a token sent twice, a token only a replay brought, a hub it cannot reach.
/// </summary>
public sealed class SmokeClientTests(AppFixture fixture)
{
    private const string LooseP95 = "60000";

    [Fact]
    public async Task ALiveTokenSentTwiceIsReportedAsDuplicatedAndFailsTheSmokeTest()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "twice");
        await using var producer = await StreamProducer.StartAsync(fixture);

        var smoke = OpsCli.RunAsync(fixture, ["smoke", threadId, "run-twice", "--stream-id", "twice", "--tokens", "40", "--interval", "100ms", "--max-p95-ms", LooseP95]);
        await Eventually.MatchesAsync(() => producer.Log.GetStateAsync(stream), state => state.LastSeq >= 3, TestTimeouts.Recovery, "the smoke test writing its stream");
        // A producer's retry of a token already written publishes it again, as the log holds it: seq 2 goes out live a second time.
        await producer.Streaming.StreamTokenAsync(stream, "run-twice", "again", expectedSeq: 2);
        var outcome = await smoke;

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("received 40 of 40, lost 0, duplicated 1, recovered by replay 0", outcome.StandardOutput);
        Assert.Contains("Smoke stream FAILED: 1 tokens duplicated.", outcome.StandardError);
    }

    [Fact]
    public async Task TokensTheLivePathLostAreRecoveredByReplayButFailTheSmokeTest()
    {
        // A Redis and an api of their own: the api's backplane loses its subscription while the smoke test writes.
        await using var redis = await IsolatedRedis.StartAsync();
        await using var api = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "lossy");
        await using var admin = await redis.ConnectAsync();

        var smoke = OpsCli.RunAsync(
            fixture,
            ["smoke", threadId, "run-lossy", "--stream-id", "lossy", "--tokens", "60", "--interval", "100ms", "--max-p95-ms", LooseP95, "--api-url", api.BaseAddress.ToString()],
            new Dictionary<string, string> { ["ConnectionStrings__redis"] = redis.ConnectionString });
        await Eventually.MatchesAsync(
            async () => (long?)await admin.GetDatabase().StringGetAsync(StreamNames.Keys.Seq(stream)) ?? 0, seq => seq >= 5, TestTimeouts.Recovery, "the smoke test writing its stream");
        // About ten tokens are written while the api cannot hear them; the smoke test's own connection keeps writing.
        await redis.LockOutNewConnectionsAsync();
        Assert.True(await redis.KillSubscriptionsAsync() >= 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await redis.LetNewConnectionsInAsync();
        var outcome = await smoke;

        Assert.Equal(1, outcome.ExitCode);
        Assert.Matches(@"received 60 of 60, lost 0, duplicated 0, recovered by replay [1-9]\d*", outcome.StandardOutput);
        Assert.Matches(@"Smoke stream FAILED: [1-9]\d* tokens never arrived live \(recovered by replay\)\.", outcome.StandardError);
    }

    [Fact]
    public async Task AHubThatCannotBeReachedWithinTheTimeoutIsNamedWithTheLastReason()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var port = OpsCli.ClosedPort();

        var outcome = await OpsCli.RunAsync(fixture, ["smoke", threadId, "--stream-id", "unreached", "--timeout", "3s", "--api-url", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith($"The hub is not reachable at ws://127.0.0.1:{port}/hubs/agent: ", outcome.StandardError);
        Assert.Contains("Connection refused", outcome.StandardError);
        Assert.DoesNotContain("   at ", outcome.Output);
    }
}
