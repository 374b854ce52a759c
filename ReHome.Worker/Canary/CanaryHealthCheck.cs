using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Health;

namespace ReHome.Worker.Canary;

/// <summary>The runbook's "token latency p95 &lt; 50 ms", measured end to end by the canary.</summary>
internal sealed class CanaryHealthCheck(CanaryLatencyWindow window, IOptions<AlertOptions> alerts, IOptions<CanaryOptions> canary) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = alerts.Value.MaxCanaryP95Milliseconds;
        var silentFor = window.SinceLastDelivery();
        // Three rounds without a delivered token: tokens are not getting through.
        if (silentFor is { } silence && silence > canary.Value.Interval * 3 + canary.Value.ReceiveTimeout)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"the canary has received no token for {silence.TotalSeconds:0} s"));
        }

        var minimum = canary.Value.MinimumSamples;
        return Task.FromResult(window.Percentile95() switch
        {
            null when window.IsWarmingUp => HealthCheckResult.Healthy("the canary is warming up (Canary:WarmUpRounds)"),
            null => HealthCheckResult.Healthy("the canary has no samples yet"),
            // A p95 over a handful of samples is one slow token; wait for enough to judge (Canary:MinimumSamples).
            var (p95, count) when count < minimum => HealthCheckResult.Healthy($"the canary has {count} of {minimum} samples needed to judge its p95 ({p95:0.0} ms so far)"),
            var (p95, count) when p95 > limit => HealthCheckResult.Degraded(
                $"canary p95 emit-to-receive {p95:0.0} ms over {count} tokens, above {limit:0.#} ms (Alerts:MaxCanaryP95Milliseconds)"),
            var (p95, count) => HealthCheckResult.Healthy($"canary p95 {p95:0.0} ms over {count} tokens"),
        });
    }
}
