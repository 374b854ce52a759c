using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Ops;

/// <summary>
/// Cleanup scans all of Redis while other tests run, so each test here makes its own thread with a
/// live stream, a stream that ended an hour ago (its end time moved back) and one that just ended,
/// and removes only streams that ended over half an hour ago: no other test has any. The thread also
/// has a queued run (in a lane no worker reads) and the index entry of a run whose record expired.
/// The tests of this class run one after another, so none removes another's "old" stream early.
/// </summary>
public sealed class CleanupTests(AppFixture fixture) : IAsyncLifetime
{
    private ConnectionMultiplexer _redis = null!;
    private StreamProducer _producer = null!;
    private WorkerLane _lane = null!;
    private string _threadId = string.Empty;
    private string _queuedRunId = string.Empty;
    private string _expiredRunId = string.Empty;

    private StreamRef Live => new(_threadId, "live");

    private StreamRef Old => new(_threadId, "old");

    private StreamRef Recent => new(_threadId, "recent");

    public async ValueTask InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        _producer = await StreamProducer.StartAsync(fixture);
        using var alice = await fixture.SignInAsync();
        _threadId = await alice.CreateThreadAsync();
        _lane = WorkerLane.Start(fixture);
        using var aliceAtLane = alice.At(_lane.Api.BaseAddress);
        _queuedRunId = (await aliceAtLane.CreateRunAsync(_threadId, "stay queued")).Id;
        // As Runs:Retention leaves a finished run: its record gone, its entry still in the thread's index.
        _expiredRunId = $"run_expired{Guid.NewGuid():N}";
        await _redis.GetDatabase().SortedSetAddAsync(Keys.ThreadRuns(_threadId), _expiredRunId, DateTimeOffset.UtcNow.AddDays(-40).ToUnixTimeMilliseconds());

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
        Assert.True(await ExistsAsync(Keys.Done(Old), Keys.Log(Old), Keys.Meta(Old), Keys.Answer(Old)));
        Assert.NotNull(await _redis.GetDatabase().SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "old"));
        Assert.Contains($"would remove 1 expired run from thread {_threadId}'s run index", outcome.StandardOutput);
        Assert.NotNull(await _redis.GetDatabase().SortedSetScoreAsync(Keys.ThreadRuns(_threadId), _expiredRunId));
    }

    [Fact]
    public async Task CleanupRemovesAllOfTheOldEndedStreamsDataAndLeavesLiveAndRecentStreamsAlone()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "30m", "--batch-size", "7"]);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Matches($@"removed {_threadId} old \(completed, last seq 2, ended 1h( \d+m)? ago\)", outcome.StandardOutput);
        Assert.Matches(@"Removed [1-9]\d* ended streams? that ended over 30m ago\.", outcome.StandardOutput);
        Assert.Contains($"removed 1 expired run from thread {_threadId}'s run index", outcome.StandardOutput);
        await AssertOnlyTheOldStreamIsGoneAsync();
        await AssertOnlyTheExpiredRunLeftTheIndexAsync();
    }

    [Fact]
    public async Task CleanupRemovesDeadLettersOlderThanTheirRetentionAndKeepsNewerOnes()
    {
        var deadLetters = Keys.DeadLetters(_lane.QueueName);
        var now = DateTimeOffset.UtcNow;
        var database = _redis.GetDatabase();
        await database.StreamAddAsync(deadLetters, "runId", "run_old", messageId: $"{now.AddDays(-40).ToUnixTimeMilliseconds()}-0");
        await database.StreamAddAsync(deadLetters, "runId", "run_29_days_old", messageId: $"{now.AddDays(-29).ToUnixTimeMilliseconds()}-0");
        await database.StreamAddAsync(deadLetters, "runId", "run_new");

        var preview = await OpsCli.RunAsync(fixture, ["cleanup", "--dry-run", "--older-than", "30m"], new Dictionary<string, string> { ["Queue__Name"] = _lane.QueueName });
        var lengthAfterPreview = await database.StreamLengthAsync(deadLetters);
        var outcome = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "30m"], new Dictionary<string, string> { ["Queue__Name"] = _lane.QueueName });
        var left = await database.StreamRangeAsync(deadLetters);
        await database.KeyDeleteAsync(deadLetters);

        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.Matches(@"would remove \d+ expired runs? from thread run indexes and 1 dead letter older than ", preview.StandardOutput);
        Assert.Equal(3, lengthAfterPreview);
        Assert.Matches(@"removed \d+ expired runs? from thread run indexes and 1 dead letter older than ", outcome.StandardOutput);
        Assert.Equal(["run_29_days_old", "run_new"], left.Select(entry => (string?)entry["runId"]));
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
        await AssertOnlyTheExpiredRunLeftTheIndexAsync();
    }

    [Fact]
    public async Task CleanupKeepsTheAnswerOfAStreamWhoseRunIsKeptAndRemovesItOnceTheRunIsGone()
    {
        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync();
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var run = await alice.CreateRunAsync(threadId, "keep my answer");
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, run.Id), seen => seen.Status == "completed", TestTimeouts.Default, "the run completing");
        var stream = new StreamRef(threadId, run.StreamId);
        var database = _redis.GetDatabase();
        var anHourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        await database.HashSetAsync(Keys.Done(stream), "endedAt", anHourAgo);
        await database.HashSetAsync(Keys.Answer(stream), AnswerFields.EndedAt, anHourAgo);

        var whileKept = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "30m"]);
        var keptPage = await alice.GetTokensAsync(threadId, run.StreamId);
        var keptRun = await alice.GetRunAsync(threadId, run.Id);
        var indexedWhileKept = await database.SortedSetScoreAsync(Keys.ThreadStreams(threadId), run.StreamId);
        // As Runs:Retention does to a finished run's record.
        await database.KeyDeleteAsync(Keys.Run(run.Id));
        var runGone = await OpsCli.RunAsync(fixture, ["cleanup", "--older-than", "30m"]);

        Assert.True(whileKept.ExitCode == 0, whileKept.ToString());
        Assert.Contains($"removed {threadId} {run.StreamId} (completed, last seq 20", whileKept.StandardOutput);
        Assert.False(await ExistsAsync(Keys.Done(stream)) || await ExistsAsync(Keys.Log(stream)) || await ExistsAsync(Keys.Meta(stream)), "the end record, log or meta is still there");
        Assert.Equal((StreamStatuses.Completed, 20L, 20), (keptPage.Status, keptPage.LastSeq, keptPage.Tokens.Count));
        Assert.Equal(string.Concat(keptPage.Tokens.Select(token => token.Token)), keptRun.Output);
        Assert.NotNull(indexedWhileKept);
        Assert.True(runGone.ExitCode == 0, runGone.ToString());
        Assert.Contains($"removed the kept answer of {threadId} {run.StreamId} (its run {run.Id} is gone, ended 1h", runGone.StandardOutput);
        Assert.False(await ExistsAsync(Keys.Answer(stream)), "the answer of a run that is gone is still kept");
        Assert.Null(await database.SortedSetScoreAsync(Keys.ThreadStreams(threadId), run.StreamId));
    }

    private async Task AssertOnlyTheOldStreamIsGoneAsync()
    {
        var database = _redis.GetDatabase();
        Assert.False(await ExistsAsync(Keys.Done(Old)), "the old stream's end record is still there");
        Assert.False(await ExistsAsync(Keys.Log(Old)), "the old stream's log is still there");
        Assert.False(await ExistsAsync(Keys.Meta(Old)), "the old stream's meta is still there");
        Assert.False(await ExistsAsync(Keys.Answer(Old)), "the old stream's kept answer is still there (it has no run to be kept with)");
        Assert.Null(await database.SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "old"));

        var live = await _producer.Log.GetStateAsync(Live);
        Assert.Equal((StreamStatuses.Streaming, 2L), (live.Status, live.LastSeq));
        Assert.Equal(2, (await _producer.Log.ReadAfterAsync(Live, 0, 10)).Count);
        Assert.NotNull(await database.SortedSetScoreAsync(Keys.ThreadStreams(_threadId), "live"));

        var recent = await _producer.Log.GetStateAsync(Recent);
        Assert.Equal((StreamStatuses.Completed, 2L), (recent.Status, recent.LastSeq));
        Assert.True(await ExistsAsync(Keys.Answer(Recent)), "the recent stream's kept answer is gone");
    }

    private async Task AssertOnlyTheExpiredRunLeftTheIndexAsync()
    {
        var database = _redis.GetDatabase();
        Assert.Null(await database.SortedSetScoreAsync(Keys.ThreadRuns(_threadId), _expiredRunId));
        Assert.NotNull(await database.SortedSetScoreAsync(Keys.ThreadRuns(_threadId), _queuedRunId));
        Assert.Equal("queued", (string?)await database.HashGetAsync(Keys.Run(_queuedRunId), "status"));
    }

    private async Task<bool> ExistsAsync(params RedisKey[] keys) =>
        await _redis.GetDatabase().KeyExistsAsync(keys) == keys.Length;

    public async ValueTask DisposeAsync()
    {
        // A live stream left behind would soon count as stuck and turn the application's health Degraded.
        await _producer.Streaming.CompleteAsync(Live, "run-live");
        await _producer.DisposeAsync();
        await _lane.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
