using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes the health report as <c>{ "status": "ok" | "degraded" | "down" }</c> — what the runbook's
/// <c>curl … | grep ok</c> and load balancers read. Check names and reasons are added only when
/// <c>detailed</c> is set (Development), so production answers reveal nothing internal.
/// </summary>
public static class HealthResponseWriter
{
    public static IDictionary<HealthStatus, int> StatusCodes { get; } = new Dictionary<HealthStatus, int>
    {
        [HealthStatus.Healthy] = Microsoft.AspNetCore.Http.StatusCodes.Status200OK,
        [HealthStatus.Degraded] = Microsoft.AspNetCore.Http.StatusCodes.Status200OK,
        [HealthStatus.Unhealthy] = Microsoft.AspNetCore.Http.StatusCodes.Status503ServiceUnavailable,
    };

    public static string ToWord(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "down",
    };

    public static async Task WriteAsync(HttpContext context, HealthReport report, bool detailed)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";

        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", ToWord(report.Status));
        if (detailed)
        {
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", ToWord(entry.Status));
                if (entry.Description is { Length: > 0 } description)
                {
                    json.WriteString("reason", description);
                }
                else if (entry.Exception is { } exception)
                {
                    json.WriteString("reason", exception.Message);
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
