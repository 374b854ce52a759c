using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace ReHome.Streaming.RateLimiting;

/// <summary>
/// Counts the hub calls refused to each user on this API instance (<see cref="ThreadActionLimitOptions.RefusalsPerWindow"/>
/// per <see cref="ThreadActionLimitOptions.Window"/>), in memory: a client that keeps being refused is
/// refused before its calls reach Redis. Idle users' windows are dropped by the partitioned limiter.
/// </summary>
public sealed class HubRefusalLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public HubRefusalLimiter(IOptions<ThreadActionLimitOptions> options)
    {
        var settings = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(userId => RateLimitPartition.GetFixedWindowLimiter(userId, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.RefusalsPerWindow,
            Window = settings.Window,
            QueueLimit = 0,
        }));
    }

    /// <summary>Whether the user still has refusals left in this window; takes none.</summary>
    public RateLimitDecision Check(string userId)
    {
        using var lease = _limiter.AttemptAcquire(userId, permitCount: 0);
        return lease.IsAcquired
            ? RateLimitDecision.Allowed
            : RateLimitDecision.Refused(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1));
    }

    /// <summary>Counts one refused call.</summary>
    public void Record(string userId) => _limiter.AttemptAcquire(userId).Dispose();

    public void Dispose() => _limiter.Dispose();
}
