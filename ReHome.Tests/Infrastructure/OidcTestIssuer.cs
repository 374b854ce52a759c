using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect issuer over HTTP on a free local port, as Entra ID, Auth0 or Keycloak look to
/// the API: <c>/.well-known/openid-configuration</c> and a JWKS with the RSA keys it holds now. Keys are
/// made fresh per issuer; <see cref="Rotate"/> publishes a new one and drops the old, as providers do.
/// </summary>
public sealed class OidcTestIssuer : IAsyncDisposable
{
    public const string Audience = "api://rehome-tests";

    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentBag<RSA> _made = [];
    private volatile IReadOnlyList<(string KeyId, RSA Rsa)> _keys;
    private int _jwksRequests;

    private OidcTestIssuer(WebApplication app)
    {
        _app = app;
        _keys = [Remember(NewKey())];
    }

    /// <summary>The issuer, and the address to configure as <c>Auth:Authority</c> (no trailing slash).</summary>
    public string Issuer => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    /// <summary>The key that signs new tokens (the newest).</summary>
    public (string KeyId, RSA Rsa) CurrentKey => _keys[^1];

    /// <summary>How many times the JWKS was fetched.</summary>
    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<OidcTestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var issuer = new OidcTestIssuer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new
        {
            issuer = issuer.Issuer,
            jwks_uri = $"{issuer.Issuer}/jwks",
            authorization_endpoint = $"{issuer.Issuer}/authorize",
            token_endpoint = $"{issuer.Issuer}/token",
            response_types_supported = new[] { "code" },
            subject_types_supported = new[] { "public" },
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            Interlocked.Increment(ref issuer._jwksRequests);
            return Results.Json(new { keys = issuer._keys.Select(key => Jwk(key.KeyId, key.Rsa)).ToArray() });
        });
        await app.StartAsync();
        return issuer;
    }

    /// <summary>Publishes a new key and removes every other one; returns the new key's id.</summary>
    public string Rotate()
    {
        var key = Remember(NewKey());
        _keys = [key];
        return key.KeyId;
    }

    /// <summary>The API settings that trust this issuer (over http, so only in Development), next to the usual signing key.</summary>
    public Dictionary<string, string?> ApiSettings(string redisConnectionString, params (string Key, string Value)[] more)
    {
        var settings = ApiReplica.SettingsLike(redisConnectionString);
        settings["Auth:Authority"] = Issuer;
        settings["Auth:Audiences:0"] = Audience;
        settings["Auth:RequireHttpsMetadata"] = "false";
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A token as the provider issues it, signed with its current key unless told otherwise.</summary>
    public string Mint(
        string userId,
        DateTimeOffset? expiresAt = null,
        string? issuer = null,
        string audience = Audience,
        (string KeyId, RSA Rsa)? key = null,
        IReadOnlyDictionary<string, object>? claims = null)
    {
        var (keyId, rsa) = key ?? CurrentKey;
        var expires = expiresAt ?? DateTimeOffset.UtcNow.AddMinutes(10);
        var issuedAt = expires.AddHours(-1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            Claims = claims?.ToDictionary(),
            IssuedAt = issuedAt.UtcDateTime,
            NotBefore = issuedAt.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A token with <c>alg: none</c> and no signature, otherwise as the provider issues it.</summary>
    public string MintUnsigned(string userId)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(10).UtcDateTime,
        });
    }

    /// <summary>
    /// Algorithm confusion: an HS256 token whose HMAC secret is the provider's RSA public key (as PEM
    /// bytes, what a naive verifier would use), with the provider's issuer and kid.
    /// </summary>
    public string MintHmacWithPublicKey(string userId)
    {
        var (keyId, rsa) = CurrentKey;
        var publicKeyBytes = System.Text.Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        var now = DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim("sub", userId)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(10).UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(publicKeyBytes) { KeyId = keyId }, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>A key of the issuer's kind that it never published.</summary>
    public static (string KeyId, RSA Rsa) NewKey() => ($"kid-{Guid.NewGuid():N}"[..16], RSA.Create(2048));

    private (string KeyId, RSA Rsa) Remember((string KeyId, RSA Rsa) key)
    {
        _made.Add(key.Rsa);
        return key;
    }

    private static object Jwk(string keyId, RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return new
        {
            kty = "RSA",
            use = "sig",
            alg = "RS256",
            kid = keyId,
            n = Base64UrlEncoder.Encode(parameters.Modulus),
            e = Base64UrlEncoder.Encode(parameters.Exponent),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var rsa in _made)
        {
            rsa.Dispose();
        }
    }
}
