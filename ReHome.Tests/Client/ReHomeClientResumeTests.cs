using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Client;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>ReHome.Client taking a stream up from a saved position, and a stream starting again under a new epoch.</summary>
public sealed class ReHomeClientResumeTests(AppFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadingAStreamFromASavedPositionYieldsOnlyTheTokensAfterItOnceEachUntilItEnds(bool useMessagePack)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 20);
        var epoch = (await alice.GetTokensAsync(threadId, "answer")).Epoch;
        await using var client = new ReHomeClient(alice.ClientOptions(fixture.ApiEndpoint) with { UseMessagePack = useMessagePack });
        await client.ConnectAsync(cancellation);

        var reading = Task.Run(async () =>
        {
            var tokens = new List<ReceivedToken>();
            await foreach (var token in client.ReadStreamAsync(threadId, "answer", new StreamPosition("answer", 8, epoch), cancellation))
            {
                tokens.Add(token);
            }

            return tokens;
        }, cancellation);
        // The rest goes on live while the client replays 9..20.
        await producer.EmitAsync(stream, "run-1", 20, pause: TimeSpan.FromMilliseconds(5), from: 21);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        var read = await reading.WaitAsync(TestTimeouts.Default, cancellation);

        Assert.Equal(Enumerable.Range(9, 32).Select(seq => $"t{seq}"), read.Select(token => token.Event.Token));
        Assert.All(read, token => Assert.Equal(epoch, token.Event.Epoch));
        // Latency is receive time − emittedAt: never (much) below zero on one machine, and not minutes.
        Assert.All(read, token => Assert.InRange(token.Latency, TimeSpan.FromSeconds(-1), TimeSpan.FromMinutes(1)));
        Assert.Contains(read, token => !token.Replayed);
    }

    [Fact]
    public async Task AStreamThatStartsAgainUnderANewEpochIsResetAndItsNewTokensHandedOnFromSeqOne()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var client = alice.CreateClient(fixture.ApiEndpoint);
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 5);
        await log.WaitForTokensAsync(5, TestTimeouts.Default);

        var second = await producer.Streaming.RestartAsync(stream, "run-1", cancellation);
        await producer.EmitAsync(stream, "run-1", 3);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        await log.WaitForEndedAsync("answer", TestTimeouts.Default);

        var tokens = log.Tokens;
        Assert.Equal(["t1", "t2", "t3", "t4", "t5", "t1", "t2", "t3"], tokens.Select(token => token.Event.Token));
        Assert.All(tokens.Skip(5), token => Assert.Equal(second, token.Event.Epoch));
        Assert.Equal(second, Assert.Single(log.Resets).Epoch);
        Assert.Equal((3L, second), (Assert.Single(log.Ends).LastSeq, Assert.Single(log.Ends).Epoch));
        Assert.Equal(new StreamPosition("answer", 3, second), Assert.Single(subscription.Positions));
    }

    [Fact]
    public async Task ALiveStreamWhoseBroadcastsStopWithoutTheSocketClosingIsSubscribedToAgainAndReplayedAfterItsSilence()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var client = new ReHomeClient(alice.ClientOptions(fixture.ApiEndpoint) with { SilentStreamTimeout = TimeSpan.FromSeconds(2) });
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 5);
        await log.WaitForTokensAsync(5, TestTimeouts.Default);

        // The api stops sending this thread to the connection, which stays open (as when broadcasts are lost).
        await client.CurrentConnection.InvokeAsync("Unsubscribe", threadId, cancellation);
        await producer.EmitAsync(stream, "run-1", 5, from: 6);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

        await log.WaitForEndedAsync("answer", TestTimeouts.Default);
        Assert.Equal(Enumerable.Range(1, 10).Select(seq => $"t{seq}"), log.Tokens.Select(token => token.Event.Token));
        Assert.Contains(log.Tokens.Skip(5), token => token.Replayed);
    }

    [Fact]
    public async Task ALiveTokenAfterAGapMakesTheClientReplayFromItsLastContiguousSeqAndHandOnBothInOrder()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var client = new ReHomeClient(alice.ClientOptions(fixture.ApiEndpoint) with { SilentStreamTimeout = Timeout.InfiniteTimeSpan });
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 5);
        await log.WaitForTokensAsync(5, TestTimeouts.Default);

        // Token 6 never reaches the connection live; the client itself does not learn of the gap until 7 comes.
        await client.CurrentConnection.InvokeAsync("Unsubscribe", threadId, cancellation);
        await producer.EmitAsync(stream, "run-1", 1, from: 6);
        await client.CurrentConnection.InvokeAsync<ReHome.Contracts.SubscribeResult>("Subscribe", threadId, cancellation);
        await producer.EmitAsync(stream, "run-1", 1, from: 7);

        await log.WaitForTokensAsync(7, TestTimeouts.Default);
        Assert.Equal(Enumerable.Range(1, 7).Select(seq => $"t{seq}"), log.Tokens.Select(token => token.Event.Token));
        Assert.True(log.Tokens[5].Replayed, "seq 6 came by replay");
        Assert.Equal(new StreamPosition("answer", 7, log.Tokens[0].Event.Epoch), Assert.Single(subscription.Positions));
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
    }
}
