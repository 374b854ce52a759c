using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ReHome.Streaming.Health;

public static class AlertHostingExtensions
{
    /// <summary>Tag of the checks that are the runbook's alerts.</summary>
    public const string AlertTag = "alert";

    /// <summary>
    /// The runbook's alerts as health checks, each named in the health report with its reason:
    /// error rate, Redis memory, live sequences, stuck streams, an evicting maxmemory-policy → Degraded
    /// (the last is also a warning in the log at start). (Redis down → Unhealthy is
    /// the Redis client's own check.) A check that cannot reach Redis reports Degraded, not Unhealthy:
    /// the Redis check already says Redis is down. Registers <see cref="AlertOptions"/> (<c>Alerts</c>), validated on start.
    /// </summary>
    public static TBuilder AddReHomeAlerts<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<RedisState>();
        builder.Services.AddHealthChecks()
            .AddCheck<ErrorRateHealthCheck>("error-rate", HealthStatus.Degraded, [AlertTag])
            .AddCheck<RedisMemoryHealthCheck>("redis-memory", HealthStatus.Degraded, [AlertTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<LiveSequencesHealthCheck>("live-sequences", HealthStatus.Degraded, [AlertTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<StuckStreamsHealthCheck>("stuck-streams", HealthStatus.Degraded, [AlertTag], timeout: TimeSpan.FromSeconds(3))
            .AddCheck<MaxMemoryPolicyHealthCheck>("redis-maxmemory-policy", HealthStatus.Degraded, [AlertTag], timeout: TimeSpan.FromSeconds(3));
        builder.Services.AddHostedService<EvictionPolicyStartupCheck>();
        return builder;
    }
}
