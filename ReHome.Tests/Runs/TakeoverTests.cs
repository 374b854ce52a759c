extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Heartbeat;

namespace ReHome.Tests.Runs;

/// <summary>Jobs of workers that died or stopped are resumed before new work, however long the queue.</summary>
public sealed class TakeoverTests(AppFixture fixture)
{
    [Fact]
    public async Task ADeadWorkersJobBehindManyLiveOnesIsTakenOverBeforeAnyNewJob()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;

        // Twelve jobs held by a live worker (confirmed below), then one of a worker that died, then a backlog.
        for (var i = 0; i < 12; i++)
        {
            await alice.CreateRunAsync(threadId, $"held {i}");
        }

        var held = await lane.TakeJobsAsync("live-worker", count: 12);
        var orphan = await alice.CreateRunAsync(threadId, "orphaned");
        Assert.Single(await lane.TakeJobsAsync("dead-worker"));
        var backlog = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            backlog.Add((await alice.CreateRunAsync(threadId, $"new {i}")).Id);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        using var stopConfirming = new CancellationTokenSource();
        var confirming = ConfirmAsync(redis.GetDatabase(), lane.QueueKey(), "live-worker", held.Select(entry => entry.Id).ToArray(), stopConfirming.Token);
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken);

        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Queue:Concurrency"] = "1",
            ["Queue:VisibilityTimeout"] = "00:00:02",
        });
        await receiver.WaitForRunStatusAsync(orphan.Id, RunStatuses.Completed, TestTimeouts.Default);
        await receiver.WaitForRunStatusAsync(backlog[^1], RunStatuses.Completed, TestTimeouts.Default);
        await stopConfirming.CancelAsync();
        await confirming;

        var started = receiver.RunUpdates.Where(run => run.Status == RunStatuses.Running).Select(run => run.Id).Distinct().ToList();
        Assert.Equal([orphan.Id, .. backlog], started);
    }

    [Fact]
    public async Task AJobHandedBackByAStoppingWorkerResumesBeforeTheBacklogAndItsNameIsForgotten()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var slow = await lane.StartWorkerHostAsync(new Dictionary<string, string?>
        {
            ["Queue:Concurrency"] = "1",
            ["Agent:Offline:TokensPerSecond"] = "10",
            ["Agent:Offline:ReplyTokens"] = "40",
        });
        var slowName = slow.Services.GetRequiredService<WorkerIdentity>().Id;

        var interrupted = await alice.CreateRunAsync(threadId, "interrupted by a deploy");
        await receiver.WaitForSeqAsync(interrupted.StreamId, 3, TestTimeouts.Default);
        var backlog = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            backlog.Add((await alice.CreateRunAsync(threadId, $"waiting {i}")).Id);
        }

        // A rolling deploy: the worker stops gracefully and hands its job back.
        await slow.DisposeAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var consumers = await redis.GetDatabase().StreamConsumerInfoAsync(lane.QueueKey(), QueueOptions.ConsumerGroup);
        Assert.DoesNotContain(slowName, consumers.Select(consumer => consumer.Name));

        await lane.StartWorkerAsync(new Dictionary<string, string?> { ["Queue:Concurrency"] = "1", ["Agent:Offline:ReplyTokens"] = "40" });
        await receiver.WaitForRunStatusAsync(backlog[^1], RunStatuses.Completed, TestTimeouts.Recovery);

        var resumedAt = receiver.RunUpdates.ToList().FindLastIndex(run => run.Id == interrupted.Id && run.Status == RunStatuses.Running);
        var firstBacklogStart = receiver.RunUpdates.ToList().FindIndex(run => backlog.Contains(run.Id) && run.Status == RunStatuses.Running);
        Assert.True(resumedAt < firstBacklogStart, "the handed-back run waited behind the backlog");
        var finished = await alice.GetRunAsync(threadId, interrupted.Id);
        Assert.Equal((RunStatuses.Completed, 2), (finished.Status, finished.Attempts));
        var log = await alice.GetTokensAsync(threadId, interrupted.StreamId);
        Assert.Equal(Enumerable.Range(1, 40).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
    }

    /// <summary>What a live worker's lease does: keeps its jobs' idle time at zero.</summary>
    private static async Task ConfirmAsync(IDatabase database, string queue, string consumer, RedisValue[] ids, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await database.StreamClaimIdsOnlyAsync(queue, QueueOptions.ConsumerGroup, consumer, 0, ids);
            await Task.Delay(300, CancellationToken.None);
        }
    }
}
