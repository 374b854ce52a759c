using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Http;

public sealed class ThreadActionLimitTests(AppFixture fixture)
{
    private const int Limit = 100;

    [Fact]
    public async Task The101stActionOnAThreadWithinAMinuteIsRefusedAcrossApiReplicasAndTokensStillFlow()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        using var aliceAtReplica = alice.At(fixture.SecondApi.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        await using var connection = alice.CreateHubConnection(fixture.SecondApi.BaseAddress);
        var receiver = new ThreadRecorder().Listen(connection);
        await connection.StartAsync(cancellation);

        // Half the allowance on each replica: one subscribe on the replica, 49 reads there, 50 on the AppHost's api.
        await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        for (var action = 1; action < Limit; action++)
        {
            var session = action % 2 == 0 ? alice : aliceAtReplica;
            using var allowed = await session.Http.GetAsync($"/api/threads/{threadId}", cancellation);
            Assert.True(allowed.StatusCode == HttpStatusCode.OK, $"action {action + 1} answered {allowed.StatusCode}");
        }

        using var refused = await alice.Http.GetAsync($"/api/threads/{threadId}", cancellation);
        var hubRefusal = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation));
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "answer"), "run-1", 20);
        await receiver.WaitForSeqAsync("answer", 20, TestTimeouts.Default);
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "answer"), "run-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("rate_limited", hubRefusal.Message);
        Assert.Equal(20, receiver.Received.Count);
    }

    [Fact]
    public async Task AnotherUsersAttemptsDoNotUseUpTheOwnersAllowance()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        using var mallory = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();

        for (var attempt = 0; attempt < Limit + 5; attempt++)
        {
            using var forbidden = await mallory.Http.GetAsync($"/api/threads/{threadId}", cancellation);
            Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode);
        }

        using var owner = await alice.Http.GetAsync($"/api/threads/{threadId}", cancellation);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }
}
