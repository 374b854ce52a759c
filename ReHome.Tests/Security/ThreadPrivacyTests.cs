using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

public sealed class ThreadPrivacyTests(AppFixture fixture)
{
    [Fact]
    public async Task AnotherUserCannotSubscribeReplayCancelOrReadAThreadAndReceivesNoToken()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        using var mallory = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var connection = mallory.CreateHubConnection();
        var receiver = new ThreadRecorder().Listen(connection);
        await connection.StartAsync(cancellation);

        var subscribe = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation));
        var replay = await Assert.ThrowsAsync<HubException>(async () =>
            await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 0L, cancellation).ToListAsync(cancellation));
        var cancel = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Cancel", threadId, "run-1", cancellation));
        using var get = await mallory.Http.GetAsync($"/api/threads/{threadId}", cancellation);
        using var tokens = await mallory.Http.GetAsync($"/api/threads/{threadId}/streams/answer/tokens", cancellation);

        // Alice's stream runs to its end; Mallory, still connected, sees none of it.
        await using var aliceConnection = alice.CreateHubConnection();
        var aliceReceiver = new ThreadRecorder().Listen(aliceConnection);
        await aliceConnection.StartAsync(cancellation);
        await aliceConnection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "answer"), "run-1", 10);
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "answer"), "run-1");
        await aliceReceiver.WaitForEndedAsync("answer", TestTimeouts.Default);

        Assert.All([subscribe, replay, cancel], error => Assert.StartsWith("forbidden", error.Message));
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tokens.StatusCode);
        Assert.Equal("application/problem+json", get.Content.Headers.ContentType?.MediaType);
        Assert.Empty(receiver.Received);
        Assert.Null(receiver.Ended("answer"));
        Assert.Equal(10, aliceReceiver.Received.Count);
    }

    [Fact]
    public async Task AMissingThreadAnswersExactlyLikeSomeoneElsesThread()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(cancellation);

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", "no-such-thread", cancellation));
        using var get = await alice.Http.GetAsync("/api/threads/no-such-thread", cancellation);

        Assert.StartsWith("forbidden", error.Message);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }
}
