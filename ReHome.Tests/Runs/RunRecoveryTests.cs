extern alias worker;

using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Agents;

namespace ReHome.Tests.Runs;

/// <summary>What the worker does when a stream holds something else than what it is about to write.</summary>
public sealed class RunRecoveryTests(AppFixture fixture)
{
    [Fact]
    public async Task ASeqWrittenAgainIsSentWithTheTextTheLogHoldsNotTheCallersText()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (connection, receiver) = await alice.WatchAsync(threadId);
        await using var _ = connection;
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "two-writers");

        await producer.Streaming.StreamTokenAsync(stream, "run-a", "first writer", expectedSeq: 1);
        // A second writer (a worker that took the job over, or a retry) writes seq 1 with other text.
        var again = await producer.Streaming.StreamTokenAsync(stream, "run-a", "second writer", expectedSeq: 1);
        await producer.Streaming.StreamTokenAsync(stream, "run-a", "next", expectedSeq: 2);
        await receiver.WaitForSeqAsync(stream.StreamId, 2, TestTimeouts.Default);

        Assert.Equal("first writer", again.Token);
        Assert.DoesNotContain(receiver.Received, token => token.Token == "second writer");
        Assert.All(receiver.Received.Where(token => token.Seq == 1), token => Assert.Equal("first writer", token.Token));
    }

    [Fact]
    public async Task ARunTakenOverWithAModelThatSamplesStartsItsStreamAgainUnderANewEpochInsteadOfJoiningTwoReplies()
    {
        string[] chunks = ["A", " fresh", " reply", "."];
        await using var provider = await FakeOpenAIServer.StreamingAsync(chunks, pause: TimeSpan.FromMilliseconds(10));
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (connection, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = connection;
        var resets = WatchResets(connection);
        var run = await alice.CreateRunAsync(threadId, "say something");

        // A worker took the job, streamed the start of another (sampled) reply, and died.
        await lane.TakeJobsAsync("dead-worker", startedRunId: run.Id);
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            await producer.Streaming.StreamTokenAsync(run.Stream(threadId), run.Id, "Another", expectedSeq: 1);
            await producer.Streaming.StreamTokenAsync(run.Stream(threadId), run.Id, " text", expectedSeq: 2);
        }

        var firstEpoch = (await alice.GetTokensAsync(threadId, run.StreamId)).Epoch;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:VisibilityTimeout", "00:00:02")));
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal(chunks, log.Tokens.Select(token => token.Token));
        Assert.NotEqual(firstEpoch, log.Epoch);
        Assert.Contains(resets, reset => reset.StreamId == run.StreamId && reset.Epoch == log.Epoch);
    }

    [Fact]
    public async Task AStreamWhoseTokensRedisLostMidRunStartsAgainUnderANewEpochAndTheRunCompletesWithTheWholeReply()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (connection, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = connection;
        var resets = WatchResets(connection);
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Agent:Offline:TokensPerSecond"] = "40",
            ["Agent:Offline:ReplyTokens"] = "40",
        });
        var run = await alice.CreateRunAsync(threadId, "lose some of me");
        await receiver.WaitForSeqAsync(run.StreamId, 10, TestTimeouts.Default);
        var firstEpoch = (await alice.GetTokensAsync(threadId, run.StreamId)).Epoch;

        // What a failover to a replica that had none of it does: the counter and the log are gone.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync([StreamNames.Keys.Seq(run.Stream(threadId)), StreamNames.Keys.Log(run.Stream(threadId))]);
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var finished = await alice.GetRunAsync(threadId, run.Id);
        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal((RunStatuses.Completed, 1), (finished.Status, finished.Attempts));
        Assert.Equal(OfflineReply.Tokens("lose some of me", 40), log.Tokens.Select(token => token.Token));
        Assert.Equal(Enumerable.Range(1, 40).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
        Assert.NotEqual(firstEpoch, log.Epoch);
        Assert.Contains(resets, reset => reset.StreamId == run.StreamId && reset.Epoch == log.Epoch);
    }

    [Fact]
    public async Task ARunWhoseDataRedisLostMidStreamTellsItsClientsWithANewEpochAndAnAbortedEnd()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (connection, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = connection;
        var resets = WatchResets(connection);
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Agent:Offline:TokensPerSecond"] = "20",
            ["Agent:Offline:ReplyTokens"] = "200",
        });
        var run = await alice.CreateRunAsync(threadId, "forget me");
        await receiver.WaitForSeqAsync(run.StreamId, 5, TestTimeouts.Default);

        // What FLUSHALL does to this run: its record, its job and its stream are gone.
        var stream = run.Stream(threadId);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync(
        [
            $"ai:run:{run.Id}", lane.QueueKey("default"), lane.QueueKey("high"),
            StreamNames.Keys.Seq(stream), StreamNames.Keys.Log(stream), StreamNames.Keys.Meta(stream),
        ]);
        await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);

        var ended = receiver.Ended(run.StreamId)!;
        Assert.Equal(StreamStatuses.Aborted, ended.Status);
        Assert.Contains("lost", ended.Reason);
        var reset = Assert.Single(resets, reset => reset.StreamId == run.StreamId);
        Assert.Equal(reset.Epoch, ended.Epoch);
    }

    private static ConcurrentQueue<StreamResetEvent> WatchResets(HubConnection connection)
    {
        var resets = new ConcurrentQueue<StreamResetEvent>();
        connection.On<StreamResetEvent>(StreamNames.Events.StreamReset, resets.Enqueue);
        return resets;
    }
}

internal static class RunViewStreams
{
    public static StreamRef Stream(this RunView run, string threadId) => new(threadId, run.StreamId);
}
