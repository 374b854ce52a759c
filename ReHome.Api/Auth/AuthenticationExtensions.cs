using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

internal static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication for REST and the hub: tokens signed with <c>Auth:SigningKeys</c>
    /// (<see cref="SigningKeyBearer"/>) and, when <c>Auth:Authority</c> is set, tokens from that identity
    /// provider (<see cref="IdentityProviderBearer"/>); a token is accepted if either validates it. Every
    /// endpoint needs a user id unless it says otherwise. A hub connection lasts no longer than its token
    /// and its signing key (<see cref="KeyRevocation"/>, <see cref="ProviderKeyRevocation"/>).
    /// </summary>
    public static IHostApplicationBuilder AddReHomeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddReHomeSigningKeys();
        var services = builder.Services;
        var authentication = services.AddAuthentication(SigningKeyBearer.Scheme).AddJwtBearer(SigningKeyBearer.Scheme);
        SigningKeyBearer.Register(services);
        string[] schemes = [SigningKeyBearer.Scheme];

        if (IdentityProviderBearer.IsConfigured(builder.Configuration))
        {
            authentication.AddJwtBearer(IdentityProviderBearer.Scheme);
            IdentityProviderBearer.Register(services);
            services.AddSingleton<ProviderKeyConnections>();
            services.AddOptions<HubOptions>().Configure(hub => hub.AddFilter<ProviderKeyConnections>());
            services.AddHostedService<ProviderKeyRevocation>();
            schemes = [.. schemes, IdentityProviderBearer.Scheme];
        }

        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(schemes)
                .RequireAuthenticatedUser()
                .RequireClaim(UserIds.ClaimType)
                .Build());
        return builder;
    }
}
