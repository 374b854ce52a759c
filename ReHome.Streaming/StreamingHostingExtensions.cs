using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ReHome.Contracts.Json;
using ReHome.Streaming.Health;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Queue;
using ReHome.Streaming.RateLimiting;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using ReHome.Streaming.Threads;

namespace ReHome.Streaming;

public static class StreamingHostingExtensions
{
    /// <summary>
    /// Everything the API and the worker share: Redis, SignalR with the Redis backplane (JSON and
    /// MessagePack — both processes must know the same protocols, since the backplane carries a
    /// message pre-serialised for each), the streaming service, threads and the per-thread limit.
    /// </summary>
    public static TBuilder AddReHomeStreaming<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddReHomeRedis();
        builder.AddReHomeAlerts();

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StreamingOptions>().BindConfiguration(StreamingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ThreadActionLimitOptions>().BindConfiguration(ThreadActionLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<QueueOptions>().BindConfiguration(QueueOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RunOptions>().BindConfiguration(RunOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ThreadOptions>().BindConfiguration(ThreadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HubLimitsOptions>().BindConfiguration(HubLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSignalR(hub => hub.AddFilter<HubRefusalFilter>())
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, StreamingJsonContext.Default))
            .AddMessagePackProtocol()
            .AddRedisBackplane();
        PlainHubErrorsProtocol.DecorateAll(services);
        // Coded hub refusals are the client's doing: the filter logs them at Debug and counts them per user;
        // SignalR's error entries for them are dropped.
        services.AddSingleton<HubRefusalFilter>();
        services.AddSingleton<HubRefusalLimiter>();
        builder.Logging.AddSampler(new HubRefusalLogSampler());
        services.AddOptions<HubOptions>().Configure<IOptions<HubLimitsOptions>>((hub, limits) =>
            hub.MaximumReceiveMessageSize = limits.Value.MaximumReceiveMessageSize);

        services.AddSingleton<ErrorRate>();
        services.AddSingleton<StreamingMetrics>();
        services.AddSingleton<StreamingService>();
        services.AddSingleton<StreamLog>();
        services.AddSingleton<ThreadStore>();
        services.AddSingleton<ThreadIndex>();
        services.AddSingleton<ThreadActionLimiter>();
        services.AddSingleton<RunCancellation>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<RunIndex>();
        services.AddSingleton<ThreadCreationLimiter>();
        services.AddSingleton<RunEvents>();
        return builder;
    }
}
