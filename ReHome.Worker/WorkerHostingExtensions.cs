using ReHome.Worker.Agents;
using ReHome.Worker.Heartbeat;
using ReHome.Worker.Queue;
using ReHome.Worker.Reaper;
using ReHome.Worker.Runs;

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

        var services = builder.Services;
        services.AddOptions<ReaperOptions>().BindConfiguration(ReaperOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QueueReader>();
        services.AddSingleton<QueueWakeSignal>();
        services.AddSingleton<RunGenerator>();
        services.AddSingleton<RunExecutor>();
        services.AddSingleton<RunStopRegistry>();
        services.AddHostedService(provider => provider.GetRequiredService<RunStopRegistry>());
        services.AddHostedService<QueueConsumer>();
        services.AddSingleton<StuckStreamReaper>();
        services.AddHostedService<ReaperService>();
        return builder;
    }
}
