using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReHome.Streaming.Auth;

/// <summary>
/// Issues access tokens signed with the current key — for development sign-in and for ReHome's own
/// clients (the smoke test, the latency canary). Production users get theirs from the identity provider.
/// </summary>
public sealed class AccessTokenIssuer(SigningKeyRing keys, IOptions<AuthOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string AccessToken, DateTimeOffset ExpiresAt) Issue(string userId, TimeSpan? lifetime = null)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var expiresAt = now + (lifetime ?? settings.DevTokens.Lifetime);
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity([new Claim(UserIds.SubjectClaim, userId)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = keys.SigningCredentials(),
        });
        return (token, expiresAt);
    }
}
