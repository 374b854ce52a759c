extern alias worker;

using ReHome.Client;
using ReHome.Contracts;
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
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "two-writers");

        await producer.Streaming.StreamTokenAsync(stream, "run-a", "first writer", expectedSeq: 1);
        // A second writer (a worker that took the job over, or a retry) writes seq 1 with other text.
        var again = await producer.Streaming.StreamTokenAsync(stream, "run-a", "second writer", expectedSeq: 1);
        await producer.Streaming.StreamTokenAsync(stream, "run-a", "next", expectedSeq: 2);
        await receiver.WaitForSeqAsync(stream.StreamId, 2, TestTimeouts.Default);
        // Ended, so it never reads as a stuck stream to the Redis-wide alerts other tests' health checks see.
        await producer.Streaming.CompleteAsync(stream, "run-a");

        Assert.Equal("first writer", again.Token);
        // What the hub sent for seq 1, shown or dropped by the client as a duplicate, is the log's text.
        var sent = receiver.Tokens.Concat(receiver.Duplicates).Select(token => token.Event).ToList();
        Assert.DoesNotContain(sent, token => token.Token == "second writer");
        Assert.All(sent.Where(token => token.Seq == 1), token => Assert.Equal("first writer", token.Token));
        Assert.Equal(["first writer", "next"], receiver.Shown(stream.StreamId).Select(token => token.Token));
    }

    [Fact]
    public async Task ARunTakenOverWithAModelThatSamplesStartsItsStreamAgainUnderANewEpochInsteadOfJoiningTwoReplies()
    {
        string[] chunks = ["A", " fresh", " reply", "."];
        await using var provider = await FakeOpenAIServer.StreamingAsync(chunks, pause: TimeSpan.FromMilliseconds(10));
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var run = await alice.CreateRunAsync(threadId, "say something");

        // A worker took the job, streamed the start of another (sampled) reply, and died.
        await lane.TakeJobsAsync("dead-worker", startedRunId: run.Id);
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            await producer.Streaming.StreamTokenAsync(new StreamRef(threadId, run.StreamId), run.Id, "Another", expectedSeq: 1);
            await producer.Streaming.StreamTokenAsync(new StreamRef(threadId, run.StreamId), run.Id, " text", expectedSeq: 2);
        }

        var firstEpoch = (await alice.GetTokensAsync(threadId, run.StreamId)).Epoch;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Queue:VisibilityTimeout", "00:00:02")));
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal(chunks, log.Tokens.Select(token => token.Token));
        Assert.NotEqual(firstEpoch, log.Epoch);
        Assert.Contains(receiver.Resets, reset => reset.StreamId == run.StreamId && reset.Epoch == log.Epoch);
    }

    [Fact]
    public async Task AStreamWhoseTokensRedisLostMidRunStartsAgainUnderANewEpochAndTheRunCompletesWithTheWholeReply()
    {
        await using var watched = await WatchedRun.StartAsync(fixture, "lose some of me", tokensPerSecond: 40, replyTokens: 40, seenSeq: 10);
        var (alice, threadId, run) = (watched.Alice, watched.ThreadId, watched.Run);
        var firstEpoch = (await alice.GetTokensAsync(threadId, run.StreamId)).Epoch;

        // What a failover to a replica that had none of it does: the counter and the log are gone.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync([StreamNames.Keys.Seq(watched.Stream), StreamNames.Keys.Log(watched.Stream)]);
        await watched.Receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);

        var finished = await alice.GetRunAsync(threadId, run.Id);
        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal((RunStatuses.Completed, 1), (finished.Status, finished.Attempts));
        Assert.Equal(OfflineReply.Tokens("lose some of me", 40), log.Tokens.Select(token => token.Token));
        Assert.Equal(Enumerable.Range(1, 40).Select(seq => (long)seq), log.Tokens.Select(token => token.Seq));
        Assert.NotEqual(firstEpoch, log.Epoch);
        Assert.Contains(watched.Receiver.Resets, reset => reset.StreamId == run.StreamId && reset.Epoch == log.Epoch);
    }

    [Fact]
    public async Task ARunWhoseDataRedisLostMidStreamTellsItsClientsWithANewEpochAndAnAbortedEnd()
    {
        await using var watched = await WatchedRun.StartAsync(fixture, "forget me", tokensPerSecond: 20, replyTokens: 200, seenSeq: 5);

        // What FLUSHALL does to this run: its record, its job and its stream are gone.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await redis.GetDatabase().KeyDeleteAsync(
        [
            StreamNames.Keys.Run(watched.Run.Id), watched.Lane.QueueKey("default"), watched.Lane.QueueKey("high"),
            StreamNames.Keys.Seq(watched.Stream), StreamNames.Keys.Log(watched.Stream), StreamNames.Keys.Meta(watched.Stream),
        ]);
        await watched.Receiver.WaitForEndedAsync(watched.Run.StreamId, TestTimeouts.Default);

        var ended = watched.Receiver.Ended(watched.Run.StreamId)!;
        Assert.Equal(StreamStatuses.Aborted, ended.Status);
        Assert.Contains("lost", ended.Reason);
        var reset = Assert.Single(watched.Receiver.Resets, reset => reset.StreamId == watched.Run.StreamId);
        Assert.Equal(reset.Epoch, ended.Epoch);
    }
}

/// <summary>A run of the offline provider on a lane of its own, watched by a client (its recorder has the stream resets too).</summary>
internal sealed class WatchedRun : IAsyncDisposable
{
    private WatchedRun(WorkerLane lane, UserSession alice, string threadId, ReHomeClient client, ThreadRecorder receiver, RunView run) =>
        (Lane, Alice, ThreadId, Client, Receiver, Run) = (lane, alice, threadId, client, receiver, run);

    public WorkerLane Lane { get; }

    public UserSession Alice { get; }

    public string ThreadId { get; }

    public ReHomeClient Client { get; }

    public ThreadRecorder Receiver { get; }

    public RunView Run { get; }

    public StreamRef Stream => new(ThreadId, Run.StreamId);

    /// <summary>Starts the run and returns once the client has shown seq <paramref name="seenSeq"/>.</summary>
    public static async Task<WatchedRun> StartAsync(AppFixture fixture, string input, int tokensPerSecond, int replyTokens, long seenSeq)
    {
        var lane = WorkerLane.Start(fixture);
        var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Agent:Offline:TokensPerSecond"] = tokensPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Agent:Offline:ReplyTokens"] = replyTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var run = await alice.CreateRunAsync(threadId, input);
        await receiver.WaitForSeqAsync(run.StreamId, seenSeq, TestTimeouts.Default);
        return new WatchedRun(lane, alice, threadId, client, receiver, run);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Alice.Dispose();
        await Lane.DisposeAsync();
    }
}
