using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

public static class RedisHostingExtensions
{
    /// <summary>
    /// Connects to Redis (<c>ConnectionStrings:redis</c>) with a health check and telemetry, and puts
    /// SignalR on the Redis backplane over the same connection, so a message sent by any process
    /// reaches clients connected to any API replica.
    /// </summary>
    public static TBuilder AddReHomeRedis<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddRedisClient(RedisKeys.ConnectionName, configureOptions: options =>
        {
            // Reconnect in the background instead of failing start-up or crashing when Redis restarts.
            options.AbortOnConnectFail = false;
            options.ReconnectRetryPolicy = new ExponentialRetry(deltaBackOffMilliseconds: 250, maxDeltaBackOffMilliseconds: 5_000);
        });

        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IConnectionMultiplexer>((options, connection) =>
            options.ConnectionFactory = _ => Task.FromResult(connection));

        return builder;
    }
}
