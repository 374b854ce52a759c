using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using ReHome.Client;

namespace ReHome.Worker.Ops.Status;

/// <summary>
/// The HTTP checks of <c>status</c>. Each answers with its part's state and why; none throws, so one
/// dead part never hides the others.
/// </summary>
internal static class StatusChecks
{
    /// <summary>GET /health: <c>ok</c> is OK, <c>degraded</c> is DEGRADED (with the checks' reasons where the service shows them), anything else DOWN.</summary>
    public static async Task<PartStatus> HealthAsync(string part, Uri? address, bool required, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (address is null)
        {
            return new PartStatus(part, required ? PartState.Down : PartState.NotConfigured, ServiceAddresses.NotConfigured(part));
        }

        var url = new Uri(address, ServiceDefaultsExtensions.HealthEndpointPath);
        using var http = new HttpClient { Timeout = timeout };
        var elapsed = Stopwatch.StartNew();
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync(OpsJsonContext.Default.HealthAnswer, cancellationToken);
            var took = Invariant($"in {elapsed.Elapsed.TotalMilliseconds:0} ms at {address}");
            var reasons = body?.Checks?.Where(check => check.Value.Status != "ok").Select(check => $"{check.Key}: {check.Value.Reason ?? check.Value.Status}").ToArray() ?? [];
            var why = reasons.Length > 0 ? $" ({string.Join("; ", reasons)})" : string.Empty;
            return (response.StatusCode, body?.Status) switch
            {
                (HttpStatusCode.OK, "ok") => new PartStatus(part, PartState.Ok, $"/health ok {took}"),
                (HttpStatusCode.OK, "degraded") => new PartStatus(part, PartState.Degraded, $"/health degraded{why} {took}"),
                _ => new PartStatus(part, PartState.Down, $"/health answered {(int)response.StatusCode} {body?.Status}{why} {took}"),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            var reason = exception is TaskCanceledException ? Invariant($"no answer within {timeout.TotalSeconds:0.#} s") : OpsErrors.Reason(exception);
            return new PartStatus(part, PartState.Down, $"{url}: {reason}");
        }
    }

    /// <summary>A real SignalR connection over WebSockets with a minted token: the handshake a browser makes.</summary>
    public static async Task<PartStatus> HubAsync(OpsServices ops, Uri? api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string Part = "hub";
        if (api is null)
        {
            return new PartStatus(Part, PartState.Down, ServiceAddresses.NotConfigured("api"));
        }

        string accessToken;
        try
        {
            accessToken = OpsUsers.TokenFor(ops, OpsUsers.ServiceUser);
        }
        catch (OptionsValidationException invalid)
        {
            return new PartStatus(Part, PartState.Down, $"cannot sign a token to connect with: {string.Join(" ", invalid.Failures)}");
        }

        var elapsed = Stopwatch.StartNew();
        try
        {
            await using var connection = await OpsHub.ConnectAsync(api, accessToken, timeout, cancellationToken);
            return new PartStatus(Part, PartState.Ok, Invariant($"WebSocket handshake in {elapsed.Elapsed.TotalMilliseconds:0} ms at {ReHomeHub.WebSocketAddress(api)}"));
        }
        catch (OpsFailure unreachable)
        {
            return new PartStatus(Part, PartState.Down, unreachable.Message);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
