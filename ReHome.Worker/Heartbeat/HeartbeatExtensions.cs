using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ReHome.Worker.Heartbeat;

internal static class HeartbeatExtensions
{
    public static IHostApplicationBuilder AddWorkerHeartbeat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HeartbeatOptions>()
            .BindConfiguration(HeartbeatOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddHostedService<WorkerHeartbeat>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
