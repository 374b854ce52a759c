extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using worker::ReHome.Worker.Canary;

namespace ReHome.Tests.Telemetry;

public sealed class CanaryRedisOutageTests
{
    [Fact]
    public async Task ARedisTimeoutWhileTheCanaryStartsDoesNotStopTheWorkerAndTheCanaryMeasuresOnceRedisAnswersAgain()
    {
        // An API of its own on a Redis of its own, so pausing that Redis disturbs no other test.
        await using var canary = await CanaryOnItsOwnRedis.StartAsync(tokens: 5, TimeSpan.FromMilliseconds(5), beforeCanary: (builder, redis) =>
            // Started before the canary: the worker has connected to Redis, then Redis stops answering.
            builder.Services.AddHostedService(services => new RedisStalls(services.GetRequiredService<IConnectionMultiplexer>(), redis)));
        var (redis, worker, logs) = (canary.Redis, canary.Worker, canary.Logs);
        var lifetime = worker.Services.GetRequiredService<IHostApplicationLifetime>();

        // StackExchange.Redis reports a command sent but not answered in time as RedisTimeoutException, a TimeoutException.
        try
        {
            await Eventually.MatchesAsync(
                () => Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested || logs.Warnings.Any(
                    warning => warning.Message.StartsWith("Canary", StringComparison.Ordinal) && warning.Exception is TimeoutException)),
                seen => seen, TestTimeouts.Recovery, "a Redis timeout while the canary starts");
            Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, "the worker host stopped on a Redis timeout");
        }
        finally
        {
            await redis.ResumeAsync();
        }

        var measured = await Eventually.MatchesAsync(
            canary.CanaryHealthAsync,
            entry => entry.Description?.StartsWith("canary p95", StringComparison.Ordinal) == true, TestTimeouts.Recovery, "the canary measuring after Redis is back");

        Assert.Equal(HealthStatus.Healthy, measured.Status);
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private sealed class RedisStalls(IConnectionMultiplexer multiplexer, IsolatedRedis redis) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await multiplexer.GetDatabase().PingAsync();
            await redis.PauseAsync();
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
