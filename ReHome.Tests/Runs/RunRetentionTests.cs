using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Http;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Runs;

/// <summary>What is kept, and for how long, once runs finish: run records, threads, reused stream ids, dead letters.</summary>
public sealed class RunRetentionTests(AppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private ConnectionMultiplexer _redis = null!;

    private IDatabase Redis => _redis.GetDatabase();

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);

    [Fact]
    public async Task AStreamIdUsedAgainAfterItsStreamWasForgottenStartsAFreshStreamAndTheRunCompletesWithItsOwnOutput()
    {
        // The end record outlives the log by far: the old stream is forgotten (meta and log gone) while ai:done still exists.
        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Streaming:EndedRetention"] = "01:00:00",
            ["Streaming:LogRetention"] = "00:00:02",
        });
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "reused");

        var first = await alice.CreateRunAsync(threadId, "first question", streamId: stream.StreamId);
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, first.Id), run => run.Status == RunStatuses.Completed, TestTimeouts.Default, "the first run completing");
        await Eventually.MatchesAsync(() => Redis.KeyExistsAsync(Keys.Meta(stream)), exists => !exists, TestTimeouts.Default, "the first stream being forgotten");
        Assert.True(await Redis.KeyExistsAsync(Keys.Done(stream)), "the first stream's end record should still be there (EndedRetention is 1 h)");

        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var second = await alice.CreateRunAsync(threadId, "second question", streamId: stream.StreamId);
        await receiver.WaitForRunStatusAsync(second.Id, RunStatuses.Completed, TestTimeouts.Default);
        await receiver.WaitForEndedAsync(stream.StreamId, TestTimeouts.Default);

        var finished = await alice.GetRunAsync(threadId, second.Id);
        var log = await alice.GetTokensAsync(threadId, stream.StreamId);
        Assert.Equal((RunStatuses.Completed, null), (finished.Status, finished.Error));
        Assert.Equal(20, finished.LastSeq);
        Assert.Equal((StreamStatuses.Completed, 20L), (receiver.Ended(stream.StreamId)!.Status, receiver.Ended(stream.StreamId)!.LastSeq));
        // What the client shows of the stream is the fresh one (it may have replayed the forgotten one's kept answer before).
        receiver.AssertShownOnce(stream.StreamId, 20);
        Assert.All(receiver.Shown(stream.StreamId), token => Assert.Equal(second.Id, token.RunId));
        Assert.Equal(Enumerable.Range(1, 20).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
        Assert.StartsWith("You asked: \"second question\".", string.Concat(log.Tokens.Select(token => token.Token)));
        var thread = await ThreadPages.GetAsync(alice, threadId);
        Assert.Equal([(first.Id, RunStatuses.Completed, 20L), (second.Id, RunStatuses.Completed, 20L)], thread.Runs.Select(run => (run.Id, run.Status, run.LastSeq)));
    }

    [Fact]
    public async Task AFinishedRunsRecordExpiresAfterRunsRetentionAndNeverWhileQueuedOrRunning()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var run = await alice.CreateRunAsync(threadId, "keep me while I run");
        var whileQueued = await Redis.KeyTimeToLiveAsync(Keys.Run(run.Id));

        // 20 tokens at 10 a second: about two seconds running.
        await lane.StartWorkerAsync(new Dictionary<string, string?> { ["Runs:Retention"] = "01:00:00", ["Agent:Offline:TokensPerSecond"] = "10" });
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, run.Id), seen => seen.Status == RunStatuses.Running, TestTimeouts.Default, "the run starting");
        var whileRunning = await Redis.KeyTimeToLiveAsync(Keys.Run(run.Id));
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, run.Id), seen => seen.Status == RunStatuses.Completed, TestTimeouts.Default, "the run completing");
        var afterFinishing = await Redis.KeyTimeToLiveAsync(Keys.Run(run.Id));

        Assert.Null(whileQueued);
        Assert.Null(whileRunning);
        Assert.NotNull(afterFinishing);
        Assert.InRange(afterFinishing.Value, Hour - TimeSpan.FromMinutes(1), Hour);
    }

    [Fact]
    public async Task AThreadExpiresWithItsIndexesRetentionAfterItsLastRunFinishedAndANewRunKeepsItAgain()
    {
        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync(new Dictionary<string, string?> { ["Runs:Retention"] = "01:00:00", ["Agent:Offline:TokensPerSecond"] = "10" });
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        RedisKey[] kept = [Keys.Thread(threadId), Keys.ThreadRuns(threadId), Keys.ThreadStreams(threadId)];

        var first = await alice.CreateRunAsync(threadId, "one");
        var whileRunning = await TimesToLiveAsync(kept);
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, first.Id), seen => seen.Status == RunStatuses.Completed, TestTimeouts.Default, "the first run completing");
        var afterLastRun = await TimesToLiveAsync(kept);
        var second = await alice.CreateRunAsync(threadId, "two");
        var whileSecondRuns = await TimesToLiveAsync(kept);
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, second.Id), seen => seen.Status == RunStatuses.Completed, TestTimeouts.Default, "the second run completing");
        var afterSecond = await TimesToLiveAsync(kept);

        Assert.All(whileRunning, ttl => Assert.Null(ttl));
        Assert.All(afterLastRun, ttl => Assert.InRange(ttl ?? TimeSpan.Zero, Hour - TimeSpan.FromMinutes(1), Hour));
        Assert.All(whileSecondRuns, ttl => Assert.Null(ttl));
        Assert.All(afterSecond, ttl => Assert.InRange(ttl ?? TimeSpan.Zero, Hour - TimeSpan.FromMinutes(1), Hour));
    }

    [Fact]
    public async Task AnExpiredRunLeavesTheThreadsRunIndexWhenTheThreadIsRead()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var kept = await alice.CreateRunAsync(threadId, "kept");
        var expired = await alice.CreateRunAsync(threadId, "expired");
        // As Runs:Retention does to a finished run's record.
        await Redis.KeyDeleteAsync(Keys.Run(expired.Id));

        var thread = await ThreadPages.GetAsync(alice, threadId);

        Assert.Equal([kept.Id], thread.Runs.Select(run => run.Id));
        Assert.Null(await Redis.SortedSetScoreAsync(Keys.ThreadRuns(threadId), expired.Id));
        Assert.NotNull(await Redis.SortedSetScoreAsync(Keys.ThreadRuns(threadId), kept.Id));
    }

    [Fact]
    public async Task TheDeadLetterStreamIsCappedAtAboutQueueDeadLetterMaxLength()
    {
        await using var provider = await FakeOpenAIServer.FailingAsync(statusCode: 500);
        await using var lane = WorkerLane.Start(fixture);
        var deadLetters = Keys.DeadLetters(lane.QueueName);
        var filling = Redis.CreateBatch();
        var added = Enumerable.Range(0, 1_000).Select(i => filling.StreamAddAsync(deadLetters, "runId", $"run_old{i}")).ToArray();
        filling.Execute();
        await Task.WhenAll(added);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:MaxAttempts", "1"), ("Queue:DeadLetterMaxLength", "100")));

        var run = await alice.CreateRunAsync(threadId, "this will fail");
        await Eventually.MatchesAsync(() => alice.GetRunAsync(threadId, run.Id), seen => seen.Status == RunStatuses.Failed, TimeSpan.FromSeconds(30), "the run failing");

        var length = await Redis.StreamLengthAsync(deadLetters);
        var newest = await Redis.StreamRangeAsync(deadLetters, "-", "+", count: 1, messageOrder: Order.Descending);
        await Redis.KeyDeleteAsync(deadLetters);
        Assert.InRange(length, 100, 300);
        Assert.Equal(run.Id, (string?)Assert.Single(newest)["runId"]);
    }

    private async Task<TimeSpan?[]> TimesToLiveAsync(RedisKey[] keys) => await Task.WhenAll(keys.Select(key => Redis.KeyTimeToLiveAsync(key)));

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
