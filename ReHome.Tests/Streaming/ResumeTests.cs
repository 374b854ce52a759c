using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Streaming;

public sealed class ResumeTests(AppFixture fixture)
{
    private const int TokenCount = 300;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientThatDropsMidStreamAndReplaysAfterReconnectingEndsWithEveryTokenExactlyOnce(bool reconnectToAnotherApi)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        var receiver = new StreamReceiver();

        var before = alice.CreateHubConnection();
        receiver.Listen(before);
        await before.StartAsync(cancellation);
        await before.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);

        await using var producer = await StreamProducer.StartAsync(fixture);
        const int third = TokenCount / 3;
        await producer.EmitAsync(stream, "run-1", third);

        // Drop the connection a third of the way in; the next third is written while the client is away.
        await receiver.WaitForSeqAsync("answer", third, TestTimeouts.Default);
        await before.DisposeAsync();
        var lastSeenBeforeDrop = receiver.LastSeq("answer");
        await producer.EmitAsync(stream, "run-1", third, from: third + 1);

        await using var after = alice.CreateHubConnection(reconnectToAnotherApi ? fixture.SecondApi.BaseAddress : fixture.ApiEndpoint);
        receiver.Listen(after);
        await after.StartAsync(cancellation);
        await after.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        // The last third goes on live while the client replays what it missed (and, after Subscribe, the
        // end reaches it as an event — a stream that ended before would be known from Subscribe's answer).
        var emitting = Task.Run(async () =>
        {
            await producer.EmitAsync(stream, "run-1", TokenCount - (2 * third), pause: TimeSpan.FromMilliseconds(2), from: (2 * third) + 1);
            await producer.Streaming.CompleteAsync(stream, "run-1");
        }, cancellation);
        var replayed = await receiver.ReplayAsync(after, threadId, "answer", cancellation);

        await emitting;
        await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);
        // The end event carries the final seq: anything still missing is one more replay away.
        await receiver.ReplayAsync(after, threadId, "answer", cancellation);

        Assert.True(lastSeenBeforeDrop <= third, "the client dropped before the second third was written");
        Assert.True(replayed >= third, $"the replay filled what was written while disconnected ({replayed} tokens)");
        Assert.Equal(TokenCount, receiver.Ended("answer")!.LastSeq);
        Assert.Equal(Enumerable.Range(1, TokenCount).Select(seq => $"t{seq}"), receiver.Shown("answer").Select(token => token.Token));
    }
}
