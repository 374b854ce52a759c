namespace ReHome.Streaming.Auth;

/// <summary>
/// How access tokens are validated and (for development) issued. Section <c>Auth</c>; as
/// environment variables <c>Auth__SigningKeys__0__Id</c>, <c>Auth__SigningKeys__0__Key</c>, ….
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public string Issuer { get; set; } = "rehome";

    public string Audience { get; set; } = "rehome";

    /// <summary>
    /// Every key here that has not passed its <see cref="SigningKeyOptions.NotAfter"/> validates
    /// tokens; the first such key signs development tokens. Rotate by adding the new key first and
    /// keeping the old one, with a NotAfter, until the tokens it signed have expired.
    /// </summary>
    public List<SigningKeyOptions> SigningKeys { get; set; } = [];

    public DevTokenOptions DevTokens { get; set; } = new();
}

public sealed class SigningKeyOptions
{
    /// <summary>The key id, written into tokens as <c>kid</c>.</summary>
    public string? Id { get; set; }

    /// <summary>The HMAC-SHA256 key, base64, at least 32 bytes decoded.</summary>
    public string? Key { get; set; }

    /// <summary>After this moment the key no longer validates (end of a rotation).</summary>
    public DateTimeOffset? NotAfter { get; set; }
}

public sealed class DevTokenOptions
{
    /// <summary><c>POST /api/dev/token</c> is mapped; by default only in the Development environment.</summary>
    public bool? Enabled { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(8);
}
