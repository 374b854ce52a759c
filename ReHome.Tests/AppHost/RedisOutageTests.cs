using System.Net;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.AppHost;

/// <summary>Stops and starts the shared Redis, so it runs alone, after every parallel test.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class RedisOutageTests(AppFixture fixture)
{
    [Fact]
    public async Task StoppingRedisTakesApiHealthDownAndStartingItBringsOkBackWithoutRestartingTheApi()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var api = fixture.CreateHttpClient("api");
        var apiProcessBefore = ProcessIdOf("api");

        await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, cancellation);
        try
        {
            var down = await Eventually.MatchesAsync(
                () => HealthProbe.GetAsync(api, cancellation),
                health => health.StatusCode == HttpStatusCode.ServiceUnavailable,
                TestTimeouts.Recovery,
                "api /health turning 503 after Redis stopped");
            Assert.Equal("down", down.Status);
        }
        finally
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, cancellation);
        }

        var up = await Eventually.MatchesAsync(
            () => HealthProbe.GetAsync(api, cancellation),
            health => health.StatusCode == HttpStatusCode.OK && health.Status == "ok",
            TestTimeouts.Recovery,
            "api /health turning 200 ok after Redis started again");
        Assert.Equal("ok", up.Status);
        Assert.Equal(apiProcessBefore, ProcessIdOf("api"));
        await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("redis", cancellation)
            .WaitAsync(TestTimeouts.Recovery, cancellation);
    }

    private string? ProcessIdOf(string resource)
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(resource, out var state));
        return state.Snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value?.ToString();
    }
}
