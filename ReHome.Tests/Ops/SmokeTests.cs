using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

public sealed class SmokeTests(AppFixture fixture)
{
    // Dozens of tests share two cores with the application, so these runs use a loose latency bar;
    // SmokeFailsWhenP95IsOverTheLimit checks that the bar is applied.
    private const string LooseP95 = "5000";

    [Fact]
    public async Task SmokeWithCreateAgainstTheRunningAppExitsZeroAndPrintsCountsAndPercentiles()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["smoke", "--create", "--tokens", "50", "--max-p95-ms", LooseP95]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Contains("Smoke stream completed successfully!", outcome.StandardOutput);
        Assert.Contains("received 50 of 50, lost 0, duplicated 0", outcome.StandardOutput);
        Assert.Matches(@"p50 \d+\.\d\d ms, p95 \d+\.\d\d ms, p99 \d+\.\d\d ms", outcome.StandardOutput);
        Assert.Empty(outcome.StandardError);
    }

    [Fact]
    public async Task SmokeOnAnExistingThreadReachesItsOwnersBrowserAndCanBeRunAgainOnTheSameStream()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, browser) = await alice.WatchAsync(threadId);
        await using var _ = client;

        var first = await OpsCli.RunAsync(fixture, ["smoke", threadId, "run-ops", "--stream-id", "my-smoke", "--tokens", "20", "--max-p95-ms", LooseP95]);

        Assert.True(first.ExitCode == 0, first.ToString());
        await browser.WaitForEndedAsync("my-smoke", TestTimeouts.Default);
        browser.AssertShownOnce("my-smoke", 20);
        Assert.All(browser.Shown("my-smoke"), token => Assert.Equal("run-ops", token.RunId));
        Assert.Equal((StreamStatuses.Completed, 20L), (browser.Ended("my-smoke")!.Status, browser.Ended("my-smoke")!.LastSeq));

        // The runbook's "re-run step 2": the ended stream is reset and written again from seq 1.
        var again = await OpsCli.RunAsync(fixture, ["smoke", threadId, "run-ops", "--stream-id", "my-smoke", "--tokens", "5", "--max-p95-ms", LooseP95]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("received 5 of 5, lost 0, duplicated 0", again.StandardOutput);
    }

    [Fact]
    public async Task SmokeWithRedisUnreachableExitsNonZeroWithAClearReasonAndNoStackTrace()
    {
        var port = OpsCli.ClosedPort();

        var outcome = await OpsCli.RunAsync(fixture, ["smoke", "--create"], new Dictionary<string, string> { ["ConnectionStrings__redis"] = $"127.0.0.1:{port}" });

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal($"Redis is not reachable at 127.0.0.1:{port}: Connection refused", outcome.StandardError.Trim());
        Assert.DoesNotContain("   at ", outcome.Output);
    }

    [Fact]
    public async Task SmokeWithTheApiUnreachableExitsNonZeroNamingTheApi()
    {
        var port = OpsCli.ClosedPort();

        var outcome = await OpsCli.RunAsync(fixture, ["smoke", "--create", "--api-url", $"http://127.0.0.1:{port}"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.StartsWith($"The API is not reachable at http://127.0.0.1:{port}/", outcome.StandardError);
        Assert.Contains("Connection refused", outcome.StandardError);
        Assert.DoesNotContain("   at ", outcome.Output);
    }

    [Fact]
    public async Task SmokeFailsWhenP95IsOverTheLimit()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["smoke", "--create", "--tokens", "10", "--max-p95-ms", "0.001"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("received 10 of 10, lost 0, duplicated 0", outcome.StandardOutput);
        Assert.Matches(@"Smoke stream FAILED: p95 \d+\.\d\d ms is over 0\.001 ms\.", outcome.StandardError);
        Assert.DoesNotContain("completed successfully", outcome.Output);
    }

    [Fact]
    public async Task SmokeRefusesToResetALiveStreamAndLeavesItAlone()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var busy = new StreamRef(threadId, "busy");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(busy, "run-busy", 2);
        try
        {
            var outcome = await OpsCli.RunAsync(fixture, ["smoke", threadId, "--stream-id", "busy"]);

            Assert.Equal(1, outcome.ExitCode);
            Assert.Contains($"Stream busy of thread {threadId} is live", outcome.StandardError);
            var state = await producer.Log.GetStateAsync(busy);
            Assert.Equal((StreamStatuses.Streaming, 2L), (state.Status, state.LastSeq));
        }
        finally
        {
            await producer.Streaming.CompleteAsync(busy, "run-busy");
        }
    }

    [Fact]
    public async Task SmokeOnAThreadThatDoesNotExistSaysSo()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["smoke", "thr_missing"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("Thread thr_missing does not exist", outcome.StandardError);
    }

    [Fact]
    public async Task TheDashboardSmokeCommandCreatesAThreadAndPasses()
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("worker", "ops-smoke", TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Recovery);

        Assert.True(result.Success, $"{result.Message}{Environment.NewLine}{result.Data?.Value}");
        Assert.Equal("Smoke stream completed successfully!", result.Message);
        Assert.Contains("received 100 of 100, lost 0, duplicated 0", result.Data?.Value);
    }
}
