using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

/// <summary>
/// A key the identity provider stops publishing ends the hub connections it authenticated, not only
/// new sign-ins (what NotAfter does for <c>Auth:SigningKeys</c>, see <see cref="KeyRevocation"/>). Every
/// <c>Auth:KeyRefreshInterval</c> it reads the keys the JwtBearer handler holds, closes the connections
/// signed by any other key, and asks the handler to fetch the provider's keys again for the next round —
/// so a removed key closes its connections within two intervals. The handler's keys are the ones new
/// tokens are checked against; no JWKS is fetched here.
/// </summary>
internal sealed class ProviderKeyRevocation(
    IOptionsMonitor<JwtBearerOptions> jwt,
    IOptions<AuthOptions> auth,
    ProviderKeyConnections connections,
    TimeProvider time,
    ILogger<ProviderKeyRevocation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(auth.Value.KeyRefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await CheckAsync(stoppingToken);
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (jwt.Get(IdentityProviderBearer.Scheme).ConfigurationManager is not { } provider)
        {
            return;
        }

        try
        {
            var configuration = await provider.GetConfigurationAsync(cancellationToken);
            var published = configuration.SigningKeys.Select(key => key.KeyId).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (published.Count == 0)
            {
                // An empty key set is a provider outage or a misconfiguration, not the revocation of every key.
                AuthLog.ProviderPublishesNoKeys(logger);
                return;
            }

            if (connections.CloseUnlessPublished(published) is var closed and > 0)
            {
                AuthLog.ClosedConnectionsOfRemovedKeys(logger, closed);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            AuthLog.ProviderKeysUnavailable(logger, exception);
        }
        finally
        {
            provider.RequestRefresh();
        }
    }
}
