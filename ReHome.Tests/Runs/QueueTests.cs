using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Runs;

public sealed class QueueTests(AppFixture fixture)
{
    [Fact]
    public async Task WithOneBusyWorkerEveryHighJobStartsBeforeAnyDefaultJobQueuedAtTheSameTime()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Queue:Concurrency"] = "1",
            ["Agent:Offline:TokensPerSecond"] = "100",
            ["Agent:Offline:ReplyTokens"] = "10",
        });

        var busy = await alice.CreateRunAsync(threadId, "keep the worker busy");
        await receiver.WaitForRunStatusAsync(busy.Id, RunStatuses.Running, TestTimeouts.Default);
        var queued = new List<(string Id, string Priority)>();
        foreach (var priority in new[] { "default", "high", "default", "high", "default", "high", "default", "high" })
        {
            queued.Add(((await alice.CreateRunAsync(threadId, $"{priority} job", priority)).Id, priority));
        }

        foreach (var (id, _) in queued)
        {
            await receiver.WaitForRunStatusAsync(id, RunStatuses.Completed, TestTimeouts.Default);
        }

        var startOrder = receiver.RunUpdates.Where(run => run.Status == RunStatuses.Running && run.Id != busy.Id).Select(run => run.Id).Distinct().ToList();
        var priorities = startOrder.Select(id => queued.Single(job => job.Id == id).Priority).ToList();
        Assert.Equal(["high", "high", "high", "high", "default", "default", "default", "default"], priorities);
    }

    [Fact]
    public async Task AJobTakenByAWorkerThatDiedIsFinishedByAnotherAfterTheVisibilityTimeoutAndCompletesOnce()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var run = await alice.CreateRunAsync(threadId, "survive a dead worker");

        // A worker that reads the job and dies before acknowledging it.
        var taken = await lane.TakeJobsAsync("dead-worker");
        Assert.Equal(run.Id, (string?)Assert.Single(taken)["runId"]);

        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(new Dictionary<string, string?> { ["Queue:VisibilityTimeout"] = "00:00:02" });
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TimeSpan.FromSeconds(30));

        var finished = await alice.GetRunAsync(threadId, run.Id);
        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal((RunStatuses.Completed, 1), (finished.Status, finished.Attempts));
        Assert.Equal(Enumerable.Range(1, 20).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
        Assert.Single(receiver.RunUpdates, update => update.Id == run.Id && update.Status == RunStatuses.Completed);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        Assert.Equal(0, (await redis.GetDatabase().StreamPendingAsync(lane.QueueKey(), QueueOptions.ConsumerGroup)).PendingMessageCount);
    }

    [Fact]
    public async Task AWorkerKeepsTakingJobsAfterRedisLosesTheQueuesConsumerGroups()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync();
        var first = await alice.CreateRunAsync(threadId, "before");
        await receiver.WaitForRunStatusAsync(first.Id, RunStatuses.Completed, TestTimeouts.Default);

        // What FLUSHDB does to this lane: the queue streams and their consumer groups are gone.
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString))
        {
            await redis.GetDatabase().KeyDeleteAsync([$"ai:queue:{lane.QueueName}:high", $"ai:queue:{lane.QueueName}:default"]);
        }

        var second = await alice.CreateRunAsync(threadId, "after");
        await receiver.WaitForRunStatusAsync(second.Id, RunStatuses.Completed, TestTimeouts.Default);
    }

    [Fact]
    public async Task AFailingProviderIsRetriedWithBackOffThenDeadLetteredAndTheRunFailsWithTheError()
    {
        await using var provider = await FakeOpenAIServer.FailingAsync(statusCode: 500);
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:MaxAttempts", "3"), ("Queue:RetryDelay", "00:00:00.200")));

        var run = await alice.CreateRunAsync(threadId, "this will fail");
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Failed, TimeSpan.FromSeconds(30));

        var failed = await alice.GetRunAsync(threadId, run.Id);
        Assert.Equal((RunStatuses.Failed, 3), (failed.Status, failed.Attempts));
        Assert.Contains("500", failed.Error);
        // The provider's own words (which can carry its internals) stay in the worker's log.
        Assert.DoesNotContain("overloaded", failed.Error);
        Assert.Equal(StreamStatuses.Failed, receiver.Ended(run.StreamId)!.Status);
        Assert.Equal(failed.Error, receiver.Ended(run.StreamId)!.Reason);
        var requests = provider.Requests.Select(request => request.At).ToArray();
        Assert.Equal(3, requests.Length);
        Assert.All(requests.Zip(requests.Skip(1), (first, next) => next - first), gap => Assert.True(gap >= TimeSpan.FromMilliseconds(150), $"retried after {gap}"));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var dead = await redis.GetDatabase().StreamRangeAsync($"ai:queue:{lane.QueueName}:dead");
        var letter = Assert.Single(dead);
        Assert.Equal((run.Id, "3"), ((string?)letter["runId"], (string?)letter["attempts"]));
    }

    [Fact]
    public async Task TheOpenAICompatibleProviderStreamsTheServerSentChunksAsTokens()
    {
        string[] chunks = ["Stream", "ing", " works", " over", " real", " HTTP", "."];
        await using var provider = await FakeOpenAIServer.StreamingAsync(chunks, pause: TimeSpan.FromMilliseconds(20));
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Agent:OpenAI:ApiKey", "sk-test-key"), ("Agent:SystemPrompt", "Be brief.")));

        var run = await alice.CreateRunAsync(threadId, "Does streaming work?");
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        Assert.Equal(chunks, receiver.Shown(run.StreamId).Select(token => token.Token));
        receiver.AssertShownOnce(run.StreamId, chunks.Length);
        Assert.Equal(chunks.Length, (await alice.GetRunAsync(threadId, run.Id)).LastSeq);
        var (_, authorization, body) = Assert.Single(provider.Requests);
        Assert.Equal("Bearer sk-test-key", authorization);
        Assert.Equal("test-model", body.RootElement.GetProperty("model").GetString());
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "user"], messages.Select(message => message.GetProperty("role").GetString()));
        Assert.Contains("Does streaming work?", messages[1].GetProperty("content").ToString());
    }
}
