using System.Buffers.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ReHome.Streaming.Auth;

/// <summary>The configured signing keys as security keys, filtered to those valid at a given moment.</summary>
public sealed class SigningKeyRing(IOptions<AuthOptions> options, TimeProvider time)
{
    /// <summary>Keys that validate tokens now (not past their NotAfter), optionally only the one named by a token's <c>kid</c>.</summary>
    public IEnumerable<SecurityKey> ValidationKeys(string? keyId = null)
    {
        var now = time.GetUtcNow();
        return options.Value.SigningKeys
            .Where(key => key.NotAfter is not { } notAfter || notAfter > now)
            .Where(key => keyId is null || string.Equals(key.Id, keyId, StringComparison.Ordinal))
            .Select(ToSecurityKey);
    }

    /// <summary>When the configured key <paramref name="keyId"/> stops validating; null when it has no NotAfter or is unknown.</summary>
    public DateTimeOffset? NotAfter(string? keyId) =>
        options.Value.SigningKeys.FirstOrDefault(key => string.Equals(key.Id, keyId, StringComparison.Ordinal))?.NotAfter;

    /// <summary>The first key that is still valid: it signs the tokens this application issues.</summary>
    public SigningCredentials SigningCredentials() =>
        new(ValidationKeys().FirstOrDefault() ?? throw new InvalidOperationException("No signing key is valid now."), SecurityAlgorithms.HmacSha256);

    public static byte[]? TryDecode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64) || !Base64.IsValid(base64))
        {
            return null;
        }

        return Convert.FromBase64String(base64);
    }

    private static SymmetricSecurityKey ToSecurityKey(SigningKeyOptions key) =>
        new(TryDecode(key.Key) ?? throw new InvalidOperationException($"Signing key {key.Id} is not base64.")) { KeyId = key.Id };
}
