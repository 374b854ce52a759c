using ReHome.Streaming.Auth;
using ReHome.Streaming.Health;

namespace ReHome.Worker.Canary;

internal static class CanaryHostingExtensions
{
    /// <summary>The latency canary and its health check (needs the signing key to sign in like a browser).</summary>
    public static IHostApplicationBuilder AddLatencyCanary(this IHostApplicationBuilder builder)
    {
        builder.AddReHomeSigningKeys();
        builder.Services.AddOptions<CanaryOptions>().BindConfiguration(CanaryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CanaryLatencyWindow>();
        builder.Services.AddSingleton<CanaryThread>();
        builder.Services.AddHostedService<LatencyCanary>();
        builder.Services.AddHealthChecks().AddCheck<CanaryHealthCheck>("canary-latency", tags: [AlertHostingExtensions.AlertTag]);
        return builder;
    }
}
