using System.Net;
using System.Text.Json;

namespace ReHome.Tests.Infrastructure;

/// <summary>What <c>GET /health</c> answered: the status code and the body's <c>status</c> word.</summary>
public sealed record HealthProbe(HttpStatusCode StatusCode, string Status, string Body)
{
    public static async Task<HealthProbe> GetAsync(HttpClient client, CancellationToken cancellationToken = default)
    {
        using var response = await client.GetAsync("/health", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var json = JsonDocument.Parse(body);
        return new HealthProbe(response.StatusCode, json.RootElement.GetProperty("status").GetString() ?? string.Empty, body);
    }

    public override string ToString() => $"{(int)StatusCode} {Body}";
}
