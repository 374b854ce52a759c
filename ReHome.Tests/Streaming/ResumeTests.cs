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
        var receiver = new ThreadRecorder();

        var before = alice.CreateClient();
        await before.ConnectAsync(cancellation);
        var subscription = await before.SubscribeAsync(threadId, receiver.Handlers, cancellationToken: cancellation);

        await using var producer = await StreamProducer.StartAsync(fixture);
        const int third = TokenCount / 3;
        await producer.EmitAsync(stream, "run-1", third);

        // Drop the client a third of the way in, keeping where it stood; the next third is written while it is away.
        await receiver.WaitForSeqAsync("answer", third, TestTimeouts.Default);
        var positions = subscription.Positions;
        await before.DisposeAsync();
        var lastSeenBeforeDrop = Assert.Single(positions, position => position.StreamId == "answer").Seq;
        await producer.EmitAsync(stream, "run-1", third, from: third + 1);

        // Another client resumes from the saved positions; the last third goes on live while it replays
        // what it missed (and the end reaches it as an event).
        await using var after = alice.CreateClient(reconnectToAnotherApi ? fixture.SecondApi.BaseAddress : fixture.ApiEndpoint);
        await after.ConnectAsync(cancellation);
        await using var resumed = await after.SubscribeAsync(threadId, receiver.Handlers, resumeFrom: positions, cancellationToken: cancellation);
        await producer.EmitAsync(stream, "run-1", TokenCount - (2 * third), pause: TimeSpan.FromMilliseconds(2), from: (2 * third) + 1);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await receiver.WaitForEndedAsync("answer", TestTimeouts.Default);

        var replayed = receiver.Tokens.Count(token => token.Replayed);
        Assert.True(lastSeenBeforeDrop <= third, "the client dropped before the second third was written");
        Assert.True(replayed >= third, $"the replay filled what was written while disconnected ({replayed} tokens)");
        Assert.Equal(TokenCount, receiver.Ended("answer")!.LastSeq);
        receiver.AssertShownOnce("answer", TokenCount);
        Assert.Equal(Enumerable.Range(1, TokenCount).Select(seq => $"t{seq}"), receiver.Shown("answer").Select(token => token.Token));
    }
}
