using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Streaming;

/// <summary>Each stream's seqs belong to an epoch, so a restarted or rewound stream is never taken for the one a client showed.</summary>
public sealed class StreamEpochTests(AppFixture fixture)
{
    [Fact]
    public async Task EveryTokenEndReplayRestPageAndSubscribeSummaryCarriesTheStreamsOneEpoch()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;
        await using var producer = await StreamProducer.StartAsync(fixture);

        await producer.EmitAsync(stream, "run-1", 5);
        var ended = await producer.Streaming.CompleteAsync(stream, "run-1");
        await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);

        var epoch = receiver.Shown("answer")[0].Epoch;
        Assert.False(string.IsNullOrEmpty(epoch));
        Assert.Equal(12, epoch.Length);
        Assert.All(receiver.Received, token => Assert.Equal(epoch, token.Epoch));
        Assert.Equal(epoch, ended.Epoch);
        Assert.Equal(epoch, receiver.Ended("answer")!.Epoch);
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(cancellation);
        var replayed = await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 0L, cancellation).ToListAsync(cancellation);
        Assert.Equal(5, replayed.Count);
        Assert.All(replayed, token => Assert.Equal(epoch, token.Epoch));
        var page = await alice.GetTokensAsync(threadId, "answer");
        Assert.Equal(epoch, page.Epoch);
        Assert.All(page.Tokens, token => Assert.Equal(epoch, token.Epoch));
        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        Assert.Equal(epoch, Assert.Single(subscribed.Streams).Epoch);
    }

    [Fact]
    public async Task ARestartBeginsANewEpochTellsSubscribersAndReplayGivesOnlyTheNewEpochsTokens()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        // A bare connection: the reset checked is the hub's own event, not one a client derived from a token's epoch.
        await using var connection = alice.CreateHubConnection();
        var receiver = new ThreadRecorder().Listen(connection);
        await connection.StartAsync(cancellation);
        await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 5);
        await receiver.WaitForSeqAsync("answer", 5, TestTimeouts.Default);
        var first = receiver.Shown("answer")[0].Epoch;

        var second = await producer.Streaming.RestartAsync(stream, "run-1", cancellation);

        Assert.NotEqual(first, second);
        var state = await producer.Log.GetStateAsync(stream);
        Assert.Equal((StreamStatuses.Streaming, 0L, second), (state.Status, state.LastSeq, state.Epoch));
        await Eventually.MatchesAsync(() => Task.FromResult(receiver.Resets.Count), count => count == 1, TestTimeouts.Default, "the reset event");
        Assert.Equal(new StreamResetEvent(threadId, "run-1", "answer", second), Assert.Single(receiver.Resets));
        Assert.Empty(await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 0L, cancellation).ToListAsync(cancellation));

        for (var seq = 1; seq <= 3; seq++)
        {
            var token = await producer.Streaming.StreamTokenAsync(stream, "run-1", $"n{seq}", expectedSeq: seq, cancellation);
            Assert.Equal((seq, second), (token.Seq, token.Epoch));
        }

        var replayed = await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 0L, cancellation).ToListAsync(cancellation);
        Assert.Equal(["n1", "n2", "n3"], replayed.Select(token => token.Token));
        Assert.All(replayed, token => Assert.Equal(second, token.Epoch));
        Assert.Equal(second, (await producer.Streaming.CompleteAsync(stream, "run-1", cancellation)).Epoch);
        await Assert.ThrowsAsync<StreamEndedException>(() => producer.Streaming.RestartAsync(stream, "run-1", cancellation));
    }

    [Fact]
    public async Task AProducerAheadOfARewoundRedisGetsStreamRewoundExceptionAndCanRestartTheStream()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var stream = new StreamRef($"thr-{Guid.NewGuid():N}"[..24], "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await producer.EmitAsync(stream, "run-1", 5);
        var snapshot = await StreamSnapshot.TakeAsync(redis.GetDatabase(), stream);
        await producer.EmitAsync(stream, "run-1", 5, from: 6);

        // Redis comes back as it was at seq 5 (a lagging replica, a backup): seq and log rewound together.
        await snapshot.RestoreAsync(redis.GetDatabase());
        var rewound = await Assert.ThrowsAsync<StreamRewoundException>(
            () => producer.Streaming.StreamTokenAsync(stream, "run-1", "t11", expectedSeq: 11, cancellation));

        Assert.Equal((stream, 5L, 11L), (rewound.Stream, rewound.HeldSeq, rewound.ExpectedSeq));
        Assert.IsAssignableFrom<InvalidOperationException>(rewound);
        var before = (await producer.Log.GetStateAsync(stream)).Epoch;
        var epoch = await producer.Streaming.RestartAsync(stream, "run-1", cancellation);
        Assert.NotEqual(before, epoch);
        Assert.Equal((1L, epoch), ((await producer.Streaming.StreamTokenAsync(stream, "run-1", "again", expectedSeq: 1, cancellation)).Seq, epoch));
        Assert.Equal(["again"], (await producer.Log.ReadAfterAsync(stream, 0, 10)).Select(token => token.Token));
        await producer.Streaming.AbortAsync(stream, "run-1", "test over", cancellation);
    }

    [Fact]
    public async Task AStreamWhoseCounterOrMetaRedisLostIsWrittenOnUnderANewEpochNeverTheOldOne()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var stream = new StreamRef($"thr-{Guid.NewGuid():N}"[..24], "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var database = redis.GetDatabase();
        var first = (await producer.Streaming.StreamTokenAsync(stream, "run-1", "a", cancellationToken: cancellation)).Epoch;
        await producer.Streaming.StreamTokenAsync(stream, "run-1", "b", cancellationToken: cancellation);

        // The meta hash is lost mid-stream: the next token starts another epoch.
        await database.KeyDeleteAsync(StreamNames.Keys.Meta(stream));
        var afterMetaLoss = await producer.Streaming.StreamTokenAsync(stream, "run-1", "c", cancellationToken: cancellation);
        Assert.Equal(3, afterMetaLoss.Seq);
        Assert.False(string.IsNullOrEmpty(afterMetaLoss.Epoch));
        Assert.NotEqual(first, afterMetaLoss.Epoch);

        // The counter is lost (meta kept): seq starts again at 1, and under a new epoch, not the kept one.
        await database.KeyDeleteAsync(StreamNames.Keys.Seq(stream));
        var afterSeqLoss = await producer.Streaming.StreamTokenAsync(stream, "run-1", "d", cancellationToken: cancellation);
        Assert.Equal(1, afterSeqLoss.Seq);
        Assert.NotEqual(afterMetaLoss.Epoch, afterSeqLoss.Epoch);
        Assert.NotEqual(first, afterSeqLoss.Epoch);
        Assert.Equal(afterSeqLoss.Epoch, (await producer.Log.GetStateAsync(stream)).Epoch);
        await producer.Streaming.AbortAsync(stream, "run-1", "test over", cancellation);
    }

    [Fact]
    public async Task AProducerCountingItsSeqsGetsANewEpochWhenTheMetaIsLostMidStream()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var stream = new StreamRef($"thr-{Guid.NewGuid():N}"[..24], "counted");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await producer.EmitAsync(stream, "run-1", 2);
        var first = (await producer.Log.GetStateAsync(stream)).Epoch;

        // The worker's way (expected seqs): tokens after the first carry no epoch candidate of their own.
        await redis.GetDatabase().KeyDeleteAsync(StreamNames.Keys.Meta(stream));
        var afterMetaLoss = await producer.Streaming.StreamTokenAsync(stream, "run-1", "t3", expectedSeq: 3, cancellation);

        Assert.Equal(3, afterMetaLoss.Seq);
        Assert.False(string.IsNullOrEmpty(afterMetaLoss.Epoch));
        Assert.NotEqual(first, afterMetaLoss.Epoch);
        Assert.Equal(afterMetaLoss.Epoch, (await producer.Log.GetStateAsync(stream)).Epoch);
        await producer.Streaming.AbortAsync(stream, "run-1", "test over", cancellation);
    }

    [Fact]
    public async Task SubscribeReportsTheThreadsRunsAsTheyStandSoALostRunUpdateIsCaughtUp()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var run = await alice.CreateRunAsync(threadId, "hello");
        var finished = await Eventually.MatchesAsync(
            () => alice.GetRunAsync(threadId, run.Id), current => current.Status == "completed", TestTimeouts.Recovery, "the run completing");
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(cancellation);

        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);

        var reported = Assert.Single(subscribed.Runs!);
        Assert.Equal((run.Id, "completed", finished.Version, finished.LastSeq), (reported.Id, reported.Status, reported.Version, reported.LastSeq));
        Assert.Equal(reported.LastSeq, Assert.Single(subscribed.Streams).LastSeq);
    }

    [Fact]
    public async Task EventsWithAnEpochSurviveTheMessagePackProtocol()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        // A bare connection: what is checked is each event as MessagePack carried it.
        await using var connection = alice.CreateHubConnection(useMessagePack: true);
        var receiver = new ThreadRecorder().Listen(connection);
        await connection.StartAsync(cancellation);
        await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);

        await producer.EmitAsync(stream, "run-1", 2);
        var epoch = await producer.Streaming.RestartAsync(stream, "run-1", cancellation);
        await producer.EmitAsync(stream, "run-1", 1);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);

        Assert.Equal(epoch, receiver.Received[^1].Epoch);
        Assert.NotEqual(epoch, receiver.Received[0].Epoch);
        Assert.Equal(epoch, receiver.Ended("answer")!.Epoch);
        await Eventually.MatchesAsync(() => Task.FromResult(receiver.Resets.Count), count => count == 1, TestTimeouts.Default, "the reset event");
        Assert.Equal(epoch, Assert.Single(receiver.Resets).Epoch);
        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        Assert.Equal(epoch, Assert.Single(subscribed.Streams).Epoch);
    }
}
