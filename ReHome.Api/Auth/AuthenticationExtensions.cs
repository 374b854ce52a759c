using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Hubs;

namespace ReHome.Api.Auth;

internal static class AuthenticationExtensions
{
    /// <summary>
    /// JWT bearer authentication for REST and the hub: issuer, audience and any configured key that
    /// has not passed its NotAfter (several at once, for rotation). Every endpoint needs a user with a
    /// <c>sub</c> claim unless it says otherwise. A hub connection lasts no longer than its token and its
    /// signing key (see <see cref="KeyRevocation"/>).
    /// </summary>
    public static IHostApplicationBuilder AddReHomeAuthentication(this IHostApplicationBuilder builder)
    {
        builder.AddReHomeSigningKeys();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<SigningKeyRing, IOptions<AuthOptions>, TimeProvider>((jwt, keys, auth, time) =>
            {
                jwt.MapInboundClaims = false;
                jwt.TimeProvider = time;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = auth.Value.Issuer,
                    ValidAudience = auth.Value.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    IssuerSigningKeyResolver = (_, _, keyId, _) => keys.ValidationKeys(keyId),
                    ValidateIssuerSigningKey = true,
                    NameClaimType = UserIds.SubjectClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSockets, so SignalR clients send the token in the query.
                    OnMessageReceived = context =>
                    {
                        if (context.HttpContext.Request.Path.StartsWithSegments(HubPaths.Agent)
                            && context.Request.Query["access_token"] is { Count: > 0 } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnTokenValidated = context =>
                    {
                        KeyRevocation.CapAtKeyNotAfter(context, keys);
                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireClaim(UserIds.SubjectClaim)
                .Build());
        return builder;
    }
}
