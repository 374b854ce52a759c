using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using ReHome.Contracts.Json;
using ReHome.Streaming.Hubs;

namespace ReHome.Api.Http;

internal static class HttpHostingExtensions
{
    /// <summary>Largest REST request body accepted, in bytes; larger ones get 413.</summary>
    public const long MaxRequestBodyBytes = 256 * 1024;

    /// <summary>
    /// JSON (source-generated), RFC 7807 problem details for every client error — including the
    /// empty 4xx answers of routing and binding, and JSON bodies that are not readable text
    /// (<see cref="JsonBodyEncodingCheck"/>) — and CORS from <c>Hub:AllowedOrigins</c>.
    /// </summary>
    public static IHostApplicationBuilder AddReHomeHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, StreamingJsonContext.Default);
        });
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<HubLimitsOptions>>((cors, hub) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(hub.Value.AllowedOrigins)
                .AllowAnyHeader()
                .AllowAnyMethod()
                .AllowCredentials()));
        return builder;
    }

    public static WebApplication UseReHomeHttp(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseMiddleware<JsonBodyEncodingCheck>();
        return app;
    }
}
