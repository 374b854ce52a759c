using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Ops;

/// <summary>
/// Cleanup scans all of Redis while other tests run, so each test here makes its own thread with a
/// live stream, a stream that ended an hour ago (its end time moved back) and one that just ended,
/// and removes only streams that ended over half an hour ago: no other test has any. The tests of
/// this class run one after another, so none removes another's "old" stream early.
/// </summary>
public sealed class CleanupTests(AppFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private StreamProducer _producer = null!;
    private string _threadId = string.Empty;

    private StreamRef Live => new(_threadId, "live");

    private StreamRef Old => new(_threadId, "old");

    private StreamRef Recent => new(_threadId, "recent");

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        _producer = await StreamProducer.StartAsync(fixture);
        using var alice = await fixture.SignInAsync();
        _threadId = await alice.CreateThreadAsync();

        await _producer.EmitAsync(Live, "run-live", 2);
        foreach (var ended in new[] { Old, Recent })
        {
            await _producer.EmitAsync(ended, $"run-{ended.StreamId}", 2);
            await _producer.Streaming.CompleteAsync(ended, $"run-{ended.StreamId}");
        }

        await _redis.GetDatabase().HashSetAsync(Keys.Done(Old), "endedAt", DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task DryRunListsTheOldEndedStreamAndRemovesNothing()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["cleanup", "--dry-run", "--older-than", "30m"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Matches($@"would remove {_threadId} old \(completed, last seq 2, ended 1h( \d+m)? ago\)", outcome.StandardOutput);
        Assert.DoesNotContain($"{_threadId} live", outcome.StandardOutput);
        Assert.DoesNotContain($"{_threadId} recent", outcome.StandardOutput);
        Assert.Contains("Dry run: nothing was removed.", outcome.StandardOutput);
        Assert.True(await ExistsAsync(Keys.Done(Old), Keys.Log(Old), Keys.Meta(Old)));
        Assert.NotNull(await _redis.GetDatabase().SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "old"));
    }

    [Fact]
    public async Task CleanupRemovesAllOfTheOldEndedStreamsDataAndLeavesLiveAndRecentStreamsAlone()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "30m", "--batch-size", "7"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Matches($@"removed {_threadId} old \(completed, last seq 2, ended 1h( \d+m)? ago\)", outcome.StandardOutput);
        Assert.Matches(@"Removed [1-9]\d* ended streams? that ended over 30m ago\.", outcome.StandardOutput);
        await AssertOnlyTheOldStreamIsGoneAsync();
    }

    [Fact]
    public async Task TheDashboardCleanupCommandRemovesStreamsThatEndedOverTenMinutesAgo()
    {
        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("worker", "ops-cleanup", TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Recovery);

        Assert.True(result.Success, $"{result.Message}{Environment.NewLine}{result.Data?.Value}");
        Assert.Matches(@"^Removed [1-9]\d* ended streams? that ended over 10m ago\.$", result.Message);
        Assert.Contains($"removed {_threadId} old", result.Data?.Value);
        await AssertOnlyTheOldStreamIsGoneAsync();
    }

    private async Task AssertOnlyTheOldStreamIsGoneAsync()
    {
        var database = _redis.GetDatabase();
        Assert.False(await ExistsAsync(Keys.Done(Old)), "the old stream's end record is still there");
        Assert.False(await ExistsAsync(Keys.Log(Old)), "the old stream's log is still there");
        Assert.False(await ExistsAsync(Keys.Meta(Old)), "the old stream's meta is still there");
        Assert.Null(await database.SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "old"));

        var live = await _producer.Log.GetStateAsync(Live);
        Assert.Equal((StreamStatuses.Streaming, 2L), (live.Status, live.LastSeq));
        Assert.Equal(2, (await _producer.Log.ReadAfterAsync(Live, 0, 10)).Count);
        Assert.NotNull(await database.SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "live"));

        var recent = await _producer.Log.GetStateAsync(Recent);
        Assert.Equal((StreamStatuses.Completed, 2L), (recent.Status, recent.LastSeq));
    }

    private async Task<bool> ExistsAsync(params RedisKey[] keys) =>
        await _redis.GetDatabase().KeyExistsAsync(keys) == keys.Length;

    public async ValueTask DisposeAsync()
    {
        // A live stream left behind would soon count as stuck and turn the application's health Degraded.
        await _producer.Streaming.CompleteAsync(Live, "run-live");
        await _producer.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
