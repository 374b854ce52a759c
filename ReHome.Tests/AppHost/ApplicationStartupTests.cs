using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ReHome.Streaming.Hubs;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.AppHost;

public sealed class ApplicationStartupTests(AppFixture fixture)
{
    [Fact]
    public async Task EveryResourceIsRunningAndHealthy()
    {
        foreach (var name in AppFixture.ResourceNames)
        {
            // Tests that run meanwhile may raise a Redis-wide alert (Degraded) for a moment; the resource
            // must be running and come back to healthy, not stay degraded.
            var observed = await Eventually.MatchesAsync(
                () => Task.FromResult<(string? State, HealthStatus? Health)>(fixture.App.ResourceNotifications.TryGetCurrentState(name, out var current)
                    ? (current.Snapshot.State?.Text, current.Snapshot.HealthStatus)
                    : (null, null)),
                state => state.State == KnownResourceStates.Running && state.Health == HealthStatus.Healthy,
                TestTimeouts.Recovery,
                $"{name} running and healthy");
            Assert.Equal(KnownResourceStates.Running, observed.State);
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task HealthAnswersOkWhenRedisIsUp(string resource)
    {
        using var client = fixture.CreateHttpClient(resource);

        // Tests that run meanwhile may raise a Redis-wide alert for a moment (a stream made to look
        // stuck until the reaper's step ends it): the answer must come back to ok, not stay degraded.
        var health = await Eventually.MatchesAsync(
            () => HealthProbe.GetAsync(client, TestContext.Current.CancellationToken),
            probe => probe.Status == "ok", TestTimeouts.Recovery, $"{resource} /health answering ok");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("worker")]
    public async Task AliveAnswersWhileTheProcessRuns(string resource)
    {
        using var client = fixture.CreateHttpClient(resource);

        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HubClientReceivesMessageSentThroughTheRedisBackplane()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var sender = await WorkerLikeHost.StartAsync(fixture.RedisConnectionString);
        var hub = sender.Services.GetRequiredService<IHubContext<AgentHub>>();

        using var alice = await fixture.SignInAsync();
        await using var connection = alice.CreateHubConnection();
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string>("test.ping", message => received.TrySetResult(message));
        await connection.StartAsync(cancellation);

        // The API subscribes to the backplane asynchronously after the first connection; resend
        // until the message arrives rather than guessing how long that takes.
        var message = $"hello-{Guid.NewGuid():N}";
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(TestTimeouts.Default);
        while (!received.Task.IsCompleted)
        {
            await hub.Clients.All.SendAsync("test.ping", message, deadline.Token);
            await Task.WhenAny(received.Task, Task.Delay(250, deadline.Token));
        }

        Assert.Equal(message, await received.Task);
    }
}
