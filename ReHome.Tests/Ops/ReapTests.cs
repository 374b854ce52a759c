using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Ops;

/// <summary>Reaping aborts every stream idle over the threshold, other tests' too, so these run alone, after the parallel tests.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class ReapTests(AppFixture fixture)
{
    [Fact]
    public async Task ReapDryRunListsAStuckStreamAndReapAbortsItAndTellsItsSubscribers()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, browser) = await alice.WatchAsync(threadId);
        await using var _ = client;
        var stuck = new StreamRef(threadId, "stuck");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stuck, "run-stuck", 3);
        var oneSecond = new Dictionary<string, string> { ["Reaper__IdleThreshold"] = "00:00:01" };
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var dryRun = await OpsCli.RunAsync(fixture, ["reap", "--dry-run"], oneSecond);

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Matches($@"(?m)^{threadId}\s+stuck\s+\d+s", dryRun.StandardOutput);
        Assert.Contains("Dry run: nothing was aborted.", dryRun.StandardOutput);
        Assert.Equal(StreamStatuses.Streaming, (await producer.Log.GetStateAsync(stuck)).Status);

        var reap = await OpsCli.RunAsync(fixture, ["reap"], oneSecond);

        Assert.True(reap.ExitCode == 0, reap.ToString());
        Assert.Matches($@"(?m)^{threadId}\s+stuck\s+run-stuck\s+3\s+no activity for", reap.StandardOutput);
        var state = await producer.Log.GetStateAsync(stuck);
        Assert.Equal((StreamStatuses.Aborted, 3L), (state.Status, state.LastSeq));
        await browser.WaitForEndedAsync("stuck", TestTimeouts.Default);
        Assert.Equal(StreamStatuses.Aborted, browser.Ended("stuck")!.Status);
    }

    [Fact]
    public async Task TheDashboardReapCommandAbortsStreamsIdleLongerThanTheWorkersThreshold()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);

        // The shared worker's own reaper (every 15 s) may abort the stream first; then the command
        // finds nothing to do, and a fresh stream is tried. Three misses in a row would take 45 s.
        string? reported = null;
        for (var attempt = 1; attempt <= 3 && reported is null; attempt++)
        {
            var stalled = new StreamRef(threadId, $"stalled-{attempt}");
            await producer.EmitAsync(stalled, "run-stalled", 2);
            // Its last token, as far as the reaper can tell, was an hour ago (the worker's threshold is 2 minutes).
            await redis.GetDatabase().SortedSetAddAsync(Keys.Active, stalled.Key, DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());

            var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("worker", "ops-reap", TestContext.Current.CancellationToken)
                .WaitAsync(TestTimeouts.Recovery);

            Assert.True(result.Success, $"{result.Message}{Environment.NewLine}{result.Data?.Value}");
            Assert.Equal((StreamStatuses.Aborted, 2L), ((await producer.Log.GetStateAsync(stalled)).Status, (await producer.Log.GetStateAsync(stalled)).LastSeq));
            if (result.Data?.Value?.Contains(stalled.StreamId, StringComparison.Ordinal) == true)
            {
                reported = result.Message;
            }
        }

        Assert.NotNull(reported);
        Assert.Matches(@"^Aborted [1-9]\d* stuck streams?", reported);
    }
}
