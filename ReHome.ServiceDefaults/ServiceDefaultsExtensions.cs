using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every ReHome service shares: telemetry, health checks, service discovery and
/// HTTP resilience. The API and the worker call the same <c>AddServiceDefaults()</c>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Path of the readiness check operators and the AppHost poll.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Path of the liveness check: answers while the process runs.</summary>
    public const string AlivenessEndpointPath = "/alive";

    private const string LiveTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });

        return builder;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                // The runtime's own instruments (System.Runtime): process memory
                // (dotnet.process.memory.working_set), GC heap sizes, CPU, thread pool, JIT.
                .AddRuntimeInstrumentation()
                .AddMeter(ReHomeTelemetry.MeterName)
                .AddMeter(ReHomeTelemetry.GenAISourceName))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(ReHomeTelemetry.ActivitySourceName)
                .AddSource(ReHomeTelemetry.GenAISourceName)
                // Health probes run every few seconds; tracing them would bury real requests.
                .AddAspNetCoreInstrumentation(aspNet => aspNet.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation());

        // The exporter is on only where a collector is configured (the AppHost sets the variable).
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check; JSON <c>status</c> ok / degraded / down, 503 when down) and
    /// <c>/alive</c> (liveness only). Mapped in every environment: operators curl them in production.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        var detailed = app.Environment.IsDevelopment();

        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResultStatusCodes = HealthResponseWriter.StatusCodes,
            ResponseWriter = (context, report) => HealthResponseWriter.WriteAsync(context, report, detailed),
        }).DisableHttpMetrics();

        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResultStatusCodes = HealthResponseWriter.StatusCodes,
            ResponseWriter = (context, report) => HealthResponseWriter.WriteAsync(context, report, detailed: false),
        }).DisableHttpMetrics();

        return app;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpointPath) || path.StartsWithSegments(AlivenessEndpointPath);
}
