using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Streaming;

public sealed class StreamDeliveryTests(AppFixture fixture)
{
    private const int TokenCount = 200;

    [Fact]
    public async Task TokensFromAnotherProcessReachEverySubscriberOfTheThreadOnceInOrderAndNoOneElse()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var otherThreadId = await alice.CreateThreadAsync();
        var (first, firstReceiver) = await alice.WatchAsync(threadId);
        await using var _ = first;
        var (second, secondReceiver) = await alice.WatchAsync(threadId, fixture.SecondApi.BaseAddress);
        await using var __ = second;
        // A bare connection: a client would drop another thread's events itself and hide a leak.
        await using var bystander = alice.CreateHubConnection();
        var bystanderReceiver = new ThreadRecorder().Listen(bystander);
        await bystander.StartAsync(TestContext.Current.CancellationToken);
        await bystander.InvokeAsync<SubscribeResult>("Subscribe", otherThreadId, TestContext.Current.CancellationToken);

        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", TokenCount);
        await producer.Streaming.CompleteAsync(stream, "run-1");

        foreach (var receiver in new[] { firstReceiver, secondReceiver })
        {
            await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);
            // Delivered live, in order, each once: no replay was needed and nothing came twice.
            receiver.AssertShownOnce("answer", TokenCount);
            Assert.All(receiver.Tokens, token => Assert.False(token.Replayed, $"seq {token.Event.Seq} came by replay, not live"));
            Assert.Empty(receiver.Duplicates);
            Assert.Equal(Enumerable.Range(1, TokenCount).Select(seq => $"t{seq}"), receiver.Received.Select(token => token.Token));
            Assert.All(receiver.Received, token => Assert.Equal((threadId, "run-1", "answer"), (token.ThreadId, token.RunId, token.StreamId)));
        }

        Assert.Empty(bystanderReceiver.Received);
    }

    [Fact]
    public async Task SubscribeReportsTheThreadsStreamsWithTheirLastSeq()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "done-stream"), "run-a", 5);
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "done-stream"), "run-a");
        await producer.EmitAsync(new StreamRef(threadId, "live-stream"), "run-b", 3);

        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, TestContext.Current.CancellationToken);

        // A stream left live would read as stuck to the alerts a minute later.
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "live-stream"), "run-b");
        Assert.Equal(threadId, subscribed.ThreadId);
        Assert.Equal(
            [new StreamSummary("run-a", "done-stream", StreamStatuses.Completed, 5), new StreamSummary("run-b", "live-stream", StreamStatuses.Streaming, 3)],
            subscribed.Streams.Select(summary => summary with { Epoch = null }));
        Assert.All(subscribed.Streams, summary => Assert.False(string.IsNullOrEmpty(summary.Epoch)));
    }

    [Fact]
    public async Task ARetriedTokenWithTheSameExpectedSeqIsNotAppendedTwice()
    {
        using var alice = await fixture.SignInAsync();
        var stream = new StreamRef(await alice.CreateThreadAsync(), "retried");
        await using var producer = await StreamProducer.StartAsync(fixture);

        var first = await producer.Streaming.StreamTokenAsync(stream, "run-1", "hello", expectedSeq: 1);
        var retry = await producer.Streaming.StreamTokenAsync(stream, "run-1", "hello", expectedSeq: 1);
        var next = await producer.Streaming.StreamTokenAsync(stream, "run-1", "world", expectedSeq: 2);

        Assert.Equal((1, 1, 2), (first.Seq, retry.Seq, next.Seq));
        Assert.Equal(["hello", "world"], (await producer.Log.ReadAfterAsync(stream, 0, 10)).Select(token => token.Token));
        await Assert.ThrowsAsync<StreamRewoundException>(() => producer.Streaming.StreamTokenAsync(stream, "run-1", "skipped", expectedSeq: 5));
        await producer.Streaming.CompleteAsync(stream, "run-1");
    }
}
