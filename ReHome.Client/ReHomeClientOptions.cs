using System.Diagnostics.Metrics;

namespace ReHome.Client;

/// <summary>How a <see cref="ReHomeClient"/> reaches the api.</summary>
public sealed record ReHomeClientOptions
{
    /// <summary>The meter of the client's instruments (<c>rehome.client.*</c>): add it to OpenTelemetry's metrics to export them.</summary>
    public const string MeterName = "ReHome.Client";

    /// <summary>The api replicas' base addresses, tried in order; the next one is used when a connection cannot be made or is lost.</summary>
    public required IReadOnlyList<Uri> ApiUrls { get; init; }

    /// <summary>Called for every connection attempt, so an expired token is replaced by a fresh one.</summary>
    public required Func<Task<string?>> AccessTokenProvider { get; init; }

    /// <summary>MessagePack instead of JSON as the hub protocol.</summary>
    public bool UseMessagePack { get; init; }

    /// <summary>The wait after every address has failed once; doubled per further round up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan FirstReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A live stream silent this long is subscribed to again and replayed (its broadcasts may have been
    /// lost without the socket closing); <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan SilentStreamTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Where receive times come from (the latency of each token).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the client's meter comes from (a host's, with dependency injection); a meter of its own when null.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    internal void Validate()
    {
        if (ApiUrls is null || ApiUrls.Count == 0)
        {
            throw new ArgumentException("ReHomeClientOptions.ApiUrls needs at least one api address.", nameof(ApiUrls));
        }

        if (AccessTokenProvider is null)
        {
            throw new ArgumentException("ReHomeClientOptions.AccessTokenProvider is required.", nameof(AccessTokenProvider));
        }

        if (FirstReconnectDelay < TimeSpan.Zero || MaxReconnectDelay < FirstReconnectDelay)
        {
            throw new ArgumentException("ReHomeClientOptions: FirstReconnectDelay must be ≥ 0 and ≤ MaxReconnectDelay.", nameof(FirstReconnectDelay));
        }

        if (SilentStreamTimeout <= TimeSpan.Zero && SilentStreamTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("ReHomeClientOptions.SilentStreamTimeout must be positive (or Timeout.InfiniteTimeSpan to turn it off).", nameof(SilentStreamTimeout));
        }
    }
}
