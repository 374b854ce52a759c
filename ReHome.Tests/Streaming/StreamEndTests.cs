using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Streaming;

public sealed class StreamEndTests(AppFixture fixture)
{
    [Fact]
    public async Task CompletingAStreamTellsSubscribersTheFinalSeqRemovesItsSequenceAndKeepsItReplayable()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var connection = alice.CreateHubConnection();
        var receiver = new ThreadRecorder().Listen(connection);
        await connection.StartAsync(cancellation);
        await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 25);

        await producer.Streaming.CompleteAsync(stream, "run-1");

        await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);
        Assert.Equal(new StreamEndedEvent(threadId, "run-1", "answer", 25, StreamStatuses.Completed, null), receiver.Ended("answer")! with { Epoch = null });

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        var database = redis.GetDatabase();
        Assert.False(await database.KeyExistsAsync($"ai:seq:{threadId}:answer"));
        var doneTtl = await database.KeyTimeToLiveAsync($"ai:done:{threadId}:answer");
        Assert.NotNull(doneTtl);
        Assert.InRange(doneTtl.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.Equal("25", (string?)await database.HashGetAsync($"ai:done:{threadId}:answer", "lastSeq"));
        Assert.NotNull(await database.KeyTimeToLiveAsync($"ai:log:{threadId}:answer"));

        var replayed = await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 10L, cancellation).ToListAsync(cancellation);
        Assert.Equal(Enumerable.Range(11, 15).Select(seq => (long)seq), replayed.Select(token => token.Seq));

        var page = await alice.Http.GetFromJsonAsync<StreamTokensPage>($"/api/threads/{threadId}/streams/answer/tokens?after=20&limit=3", cancellation);
        Assert.Equal((StreamStatuses.Completed, 25L), (page!.Status, page.LastSeq));
        Assert.Equal([21L, 22L, 23L], page.Tokens.Select(token => token.Seq));
    }

    [Fact]
    public async Task AnEndedStreamTakesNoMoreTokensAndASecondEndChangesNothing()
    {
        using var alice = await fixture.SignInAsync();
        var stream = new StreamRef(await alice.CreateThreadAsync(), "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 3);

        var failed = await producer.Streaming.FailAsync(stream, "run-1", "provider error");
        var abortedLater = await producer.Streaming.AbortAsync(stream, "run-1", "reaper");

        Assert.Equal((StreamStatuses.Failed, 3L, "provider error"), (failed.Status, failed.LastSeq, failed.Reason));
        Assert.Equal(StreamStatuses.Failed, abortedLater.Status);
        await Assert.ThrowsAsync<StreamEndedException>(() => producer.Streaming.StreamTokenAsync(stream, "run-1", "late"));
        Assert.Equal(StreamStatuses.Failed, (await producer.Log.GetStateAsync(stream)).Status);
    }

    [Fact]
    public async Task AStreamsStateSaysWhenItEndedFromItsEndRecordAndOnceThatExpiredFromItsKeptAnswer()
    {
        var stream = new StreamRef($"thr-{Guid.NewGuid():N}"[..24], "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 2);
        Assert.Null((await producer.Log.GetStateAsync(stream)).EndedAt);

        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        var ended = (await producer.Log.GetStateAsync(stream)).EndedAt;
        Assert.NotNull(ended);
        Assert.InRange(ended.Value, before, DateTimeOffset.UtcNow.AddSeconds(5));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        Assert.True(await redis.GetDatabase().KeyDeleteAsync($"ai:done:{stream.Key}"));
        var kept = await producer.Log.GetStateAsync(stream);
        Assert.Equal((StreamStatuses.Completed, 2L, ended), (kept.Status, kept.LastSeq, kept.EndedAt));
    }

    [Fact]
    public async Task AnEndedStreamIdCanBeResetAndStartsAgainFromSeqOne()
    {
        using var alice = await fixture.SignInAsync();
        var stream = new StreamRef(await alice.CreateThreadAsync(), "ops-smoke");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 3);
        Assert.False(await producer.Streaming.ResetAsync(stream));
        await producer.Streaming.CompleteAsync(stream, "run-1");

        Assert.True(await producer.Streaming.ResetAsync(stream));
        var first = await producer.Streaming.StreamTokenAsync(stream, "run-2", "again");

        await producer.Streaming.CompleteAsync(stream, "run-2");
        Assert.Equal(1, first.Seq);
        Assert.Equal(["again"], (await producer.Log.ReadAfterAsync(stream, 0, 10)).Select(token => token.Token));
    }
}
