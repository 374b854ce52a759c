using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReHome.Streaming.Naming;
using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

public static class RedisHostingExtensions
{
    /// <summary>
    /// Connects to Redis (<c>ConnectionStrings:redis</c>) with a health check and telemetry.
    /// </summary>
    public static TBuilder AddReHomeRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(StreamNames.RedisConnectionName, configureOptions: options =>
        {
            // Reconnect in the background instead of failing start-up or crashing when Redis restarts.
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5_000);
        });
        return builder;
    }

    /// <summary>
    /// Puts SignalR on the Redis backplane over the application's Redis connection, so a message sent
    /// by any process (the worker included) reaches clients connected to any API replica.
    /// </summary>
    public static ISignalRServerBuilder AddRedisBackplane(this ISignalRServerBuilder signalR)
    {
        signalR.AddStackExchangeRedis();
        signalR.Services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, connection) =>
            options.ConnectionFactory = _ => Task.FromResult(connection));
        return signalR;
    }
}
