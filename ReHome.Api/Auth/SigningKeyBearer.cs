using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

/// <summary>
/// Tokens signed with <c>Auth:SigningKeys</c> (HS256): dev tokens, ReHome's own clients, teams that mint
/// their own. Issuer, audience and any configured key that has not passed its NotAfter (several at once,
/// for rotation); the user id is <c>sub</c>.
/// </summary>
internal static class SigningKeyBearer
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    public static void Configure(JwtBearerOptions jwt, SigningKeyRing keys, AuthOptions auth, TimeProvider time)
    {
        jwt.MapInboundClaims = false;
        jwt.TimeProvider = time;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Audience,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            IssuerSigningKeyResolver = (_, _, keyId, _) => keys.ValidationKeys(keyId),
            ValidateIssuerSigningKey = true,
            NameClaimType = UserIds.SubjectClaim,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
        jwt.Events = new JwtBearerEvents
        {
            // A token of another issuer (an identity provider's) is left to its own scheme.
            OnMessageReceived = context => HubAccessToken.Read(context, issuer => issuer is null || issuer == auth.Issuer),
            OnTokenValidated = context =>
            {
                if (!UserIds.TryAssign(context.Principal!, UserIds.SubjectClaim))
                {
                    context.Fail("The token has no sub claim.");
                    return Task.CompletedTask;
                }

                KeyRevocation.CapAtKeyNotAfter(context, keys);
                return Task.CompletedTask;
            },
        };
    }

    public static void Register(IServiceCollection services) =>
        services.AddOptions<JwtBearerOptions>(Scheme)
            .Configure<SigningKeyRing, IOptions<AuthOptions>, TimeProvider>((jwt, keys, auth, time) => Configure(jwt, keys, auth.Value, time));
}
