using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ReHome.AppHost;

/// <summary>
/// Reads a service's <c>/health</c> report for the dashboard: <c>ok</c> → Healthy, <c>degraded</c> →
/// Degraded, <c>down</c> → Unhealthy, each with the names and reasons of the checks that are not ok
/// ("live-sequences: 101 live sequences, above 100"), so the dashboard says why, not only that.
/// (The services give reasons in Development, which is how the AppHost runs them.)
/// </summary>
internal sealed class ServiceHealthCheck(EndpointReference endpoint, string path) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!endpoint.IsAllocated)
        {
            return HealthCheckResult.Unhealthy("not started yet");
        }

        try
        {
            using var response = await Http.GetAsync(new Uri(new Uri(endpoint.Url), path), cancellationToken);
            using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var reasons = Reasons(report.RootElement);
            return report.RootElement.GetProperty("status").GetString() switch
            {
                "ok" => HealthCheckResult.Healthy(),
                "degraded" => HealthCheckResult.Degraded(reasons),
                _ => HealthCheckResult.Unhealthy(reasons ?? $"{path} answered {(int)response.StatusCode}"),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return HealthCheckResult.Unhealthy($"{path} did not answer: {exception.Message}");
        }
    }

    private static string? Reasons(JsonElement report)
    {
        if (!report.TryGetProperty("checks", out var checks))
        {
            return null;
        }

        var failing = checks.EnumerateObject()
            .Where(check => check.Value.GetProperty("status").GetString() != "ok")
            .Select(check => check.Value.TryGetProperty("reason", out var reason) ? $"{check.Name}: {reason.GetString()}" : check.Name)
            .ToArray();
        return failing.Length == 0 ? null : string.Join("; ", failing);
    }
}
