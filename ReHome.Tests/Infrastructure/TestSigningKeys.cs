using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReHome.Tests.Infrastructure;

/// <summary>Signing keys made fresh for each test run, and tokens signed with any of them.</summary>
public static class TestSigningKeys
{
    /// <summary>The AppHost names its generated key after its parameter; tests give the parameter this value.</summary>
    public const string PrimaryId = "auth-signing-key";

    public static readonly string Primary = NewKey();

    public static readonly string Older = NewKey();

    public static readonly string Unknown = NewKey();

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));

    public static string Mint(string userId, string key, string keyId, DateTimeOffset expiresAt, string issuer = "rehome", string audience = "rehome")
    {
        var issuedAt = expiresAt.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expiresAt.UtcDateTime,
            SigningCredentials = new SigningCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(key)) { KeyId = keyId }, SecurityAlgorithms.HmacSha256),
        });
    }
}
