using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

/// <summary>
/// Tokens from the OpenID Connect provider at <c>Auth:Authority</c> (RS256, ES256 …). The JwtBearer
/// handler reads the provider's discovery document and JWKS and keeps them fresh itself: the issuer
/// and keys come from there, an unknown <c>kid</c> makes it fetch them again, and
/// <see cref="ProviderKeyRevocation"/> asks for a fetch every <c>Auth:KeyRefreshInterval</c>. The user
/// id is the <c>Auth:UserIdClaim</c> claim.
/// </summary>
internal static class IdentityProviderBearer
{
    public const string Scheme = "IdentityProvider";

    /// <summary>Asymmetric algorithms only: an HS256 token "signed" with the provider's public key is refused.</summary>
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[$"{AuthOptions.SectionName}:{nameof(AuthOptions.Authority)}"]);

    public static void Configure(JwtBearerOptions jwt, AuthOptions auth, TimeProvider time)
    {
        jwt.Authority = auth.Authority;
        jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
        jwt.MapInboundClaims = false;
        jwt.TimeProvider = time;
        // The handler's ConfigurationManager refreshes by itself at most this often (it allows no less than 5 minutes) ...
        jwt.AutomaticRefreshInterval = auth.KeyRefreshInterval > BaseConfigurationManager.MinimumAutomaticRefreshInterval
            ? auth.KeyRefreshInterval
            : BaseConfigurationManager.MinimumAutomaticRefreshInterval;
        // ... and on request (an unknown kid, ProviderKeyRevocation's check) at most this often.
        jwt.RefreshInterval = TimeSpan.FromTicks(Math.Clamp(
            auth.KeyRefreshInterval.Ticks / 2, BaseConfigurationManager.MinimumRefreshInterval.Ticks, TimeSpan.FromSeconds(30).Ticks));
        jwt.RefreshOnIssuerKeyNotFound = true;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            // The issuer and the signing keys come from the discovery document.
            ValidAudiences = auth.ProviderAudiences(),
            ValidAlgorithms = Algorithms,
            ValidateIssuerSigningKey = true,
            NameClaimType = auth.UserIdClaim,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        jwt.Events = new JwtBearerEvents
        {
            // A token issued with ReHome's own keys (Auth:Issuer) is left to SigningKeyBearer.
            OnMessageReceived = context => HubAccessToken.Read(context, issuer => issuer != auth.Issuer),
            OnTokenValidated = context =>
            {
                if (!UserIds.TryAssign(context.Principal!, auth.UserIdClaim))
                {
                    context.Fail($"The token has no '{auth.UserIdClaim}' claim (Auth:UserIdClaim).");
                    return Task.CompletedTask;
                }

                ProviderKeyConnections.RememberSigningKey(context);
                return Task.CompletedTask;
            },
        };
    }

    public static void Register(IServiceCollection services) =>
        services.AddOptions<JwtBearerOptions>(Scheme)
            .Configure<IOptions<AuthOptions>, TimeProvider>((jwt, auth, time) => Configure(jwt, auth.Value, time))
            // After the handler's own post-configuration has made its ConfigurationManager: by default a token
            // that fails against the provider's current keys is tried again against "last known good" ones for
            // an hour, so a key the provider removed would keep validating. Only the keys it publishes now count
            // (a provider that cannot be reached keeps its last keys all the same).
            .PostConfigure(jwt =>
            {
                if (jwt.ConfigurationManager is BaseConfigurationManager provider)
                {
                    provider.UseLastKnownGoodConfiguration = false;
                }
            });
}
