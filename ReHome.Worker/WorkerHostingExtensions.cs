using ReHome.Worker.Agents;
using ReHome.Worker.Canary;
using ReHome.Worker.Heartbeat;
using ReHome.Worker.Outage;
using ReHome.Worker.Queue;
using ReHome.Worker.Reaper;
using ReHome.Worker.Runs;
using ReHome.Worker.Telemetry;

namespace ReHome.Worker;

public static class WorkerHostingExtensions
{
    /// <summary>
    /// The worker's background work: heartbeat, the run queue consumer (with its chat client) and the
    /// stuck-stream reaper. Needs <c>AddReHomeStreaming()</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddReHomeWorker(this IHostApplicationBuilder builder)
    {
        builder.AddWorkerHeartbeat();
        builder.AddAgents();
        builder.AddLatencyCanary();
        builder.AddStuckStreamReaper();

        var services = builder.Services;
        services.AddSingleton<RedisPatience>();
        services.AddSingleton<QueueReader>();
        services.AddSingleton<QueueWakeSignal>();
        services.AddSingleton<RunGenerator>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<RunStopRegistry>();
        services.AddHostedService(provider => provider.GetRequiredService<RunStopRegistry>());
        services.AddHostedService<QueueConsumer>();
        services.AddSingleton<QueueMetrics>();
        services.AddSingleton<RedisStateGauges>();
        services.AddOptions<RedisStateSamplerOptions>().BindConfiguration(RedisStateSamplerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<RedisStateSampler>();
        services.AddHostedService<ReaperService>();
        return builder;
    }
}
