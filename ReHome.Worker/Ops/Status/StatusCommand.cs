using System.CommandLine;

namespace ReHome.Worker.Ops.Status;

/// <summary>
/// <c>status</c> — the runbook's all-in-one quick status: Redis, the API's health, a WebSocket
/// handshake with the hub, the worker's health. One line each; non-zero exit if any part is down.
/// </summary>
internal static class StatusCommand
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var apiUrl = OpsOptions.ApiUrl();
        var workerUrl = OpsOptions.WorkerUrl();
        var timeout = OpsOptions.Timeout(DefaultTimeout, "each check");
        var command = new Command("status", "Redis PING and a write/read, API /health, a WebSocket handshake with the hub, worker /health: OK or DOWN with the reason.")
        {
            apiUrl, workerUrl, timeout,
        };

        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            await using var ops = await OpsServices.CreateAsync(connectRedis: false, cancellationToken);
            var checkTimeout = parse.GetValue(timeout) ?? DefaultTimeout;
            var api = ServiceAddresses.Find(ops.Configuration, "api", parse.GetValue(apiUrl));
            var worker = ServiceAddresses.Find(ops.Configuration, "worker", parse.GetValue(workerUrl));

            var parts = await Task.WhenAll(
                RedisStatusCheck.CheckAsync(ops.Configuration, checkTimeout, cancellationToken),
                StatusChecks.HealthAsync("api", api, required: true, checkTimeout, cancellationToken),
                StatusChecks.HubAsync(ops, api, checkTimeout, cancellationToken),
                StatusChecks.HealthAsync("worker", worker, required: false, checkTimeout, cancellationToken));

            console.Table("ReHome status", ["part", "state", "detail"], parts.Select(part => (IReadOnlyList<string>)[part.Part, part.State, part.Detail]).ToArray(), stateColumn: 1);
            var down = parts.Where(part => part.State == PartState.Down).Select(part => part.Part).ToArray();
            if (down.Length > 0)
            {
                console.Error($"DOWN: {string.Join(", ", down)}");
                return OpsExitCodes.Failed;
            }

            var degraded = parts.Where(part => part.State == PartState.Degraded).Select(part => part.Part).ToArray();
            if (degraded.Length > 0)
            {
                console.Warning($"All parts are up; degraded: {string.Join(", ", degraded)} (an alert threshold is crossed, see the detail).");
                return OpsExitCodes.Ok;
            }

            console.Success("All parts are up.");
            return OpsExitCodes.Ok;
        });
        return command;
    }
}

internal sealed record PartStatus(string Part, string State, string Detail);
