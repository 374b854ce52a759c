using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Runs;

/// <summary>Its reaper aborts every stream idle for a second, so it runs alone, after the parallel tests.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class ReaperTests(AppFixture fixture)
{
    [Fact]
    public async Task TheReaperAbortsAStreamWhoseProducerWentSilentAndLiveSequencesReturnToZero()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;
        var stream = new StreamRef(threadId, "silent");
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            await producer.EmitAsync(stream, "run-silent", 3);
        }

        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Reaper:IdleThreshold"] = "00:00:01",
            ["Reaper:Interval"] = "00:00:00.200",
        });
        await receiver.WaitForEndedAsync("silent", TestTimeouts.Default);

        var ended = receiver.Ended("silent")!;
        Assert.Equal((StreamStatuses.Aborted, 3L), (ended.Status, ended.LastSeq));
        Assert.Contains("no activity", ended.Reason);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var server = redis.GetServers().Single();
        var live = await Eventually.MatchesAsync(
            async () => await server.KeysAsync(pattern: "ai:seq:*").CountAsync(),
            count => count == 0,
            TestTimeouts.Default,
            "ai:seq:* returning to zero");
        Assert.Equal(0, live);
    }

    [Fact]
    public async Task TheReaperLeavesAloneAStreamWhoseRunWaitsToBeTakenOverAndTheRunCompletes()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var run = await alice.CreateRunAsync(threadId, "resume me");

        // A worker took the job, wrote three tokens and died.
        await lane.TakeJobsAsync("dead-worker", startedRunId: run.Id);
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            await producer.EmitAsync(new StreamRef(threadId, run.StreamId), run.Id, 3);
        }

        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Reaper:IdleThreshold"] = "00:00:01",
            ["Reaper:Interval"] = "00:00:00.200",
            ["Queue:VisibilityTimeout"] = "00:00:04",
        });
        await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);

        Assert.Equal(StreamStatuses.Completed, receiver.Ended(run.StreamId)!.Status);
        Assert.Equal(("completed", 20L), ((await alice.GetRunAsync(threadId, run.Id)).Status, (await alice.GetRunAsync(threadId, run.Id)).LastSeq));
    }
}
