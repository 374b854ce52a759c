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

    /// <summary>
    /// An OpenID Connect identity provider (Entra ID, Auth0, Keycloak, Okta …) whose tokens are accepted
    /// next to those signed with <see cref="SigningKeys"/>: its discovery document
    /// (<c>{Authority}/.well-known/openid-configuration</c>) names the issuer and the JWKS with its keys.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>
    /// The audiences a provider's token may carry (any one of them); <see cref="Audience"/> when empty.
    /// Environment variables <c>Auth__Audiences__0</c>, <c>Auth__Audiences__1</c> ….
    /// </summary>
    public List<string> Audiences { get; set; } = [];

    /// <summary>The claim of a provider's token that is the ReHome user id: every ownership check uses it.</summary>
    public string UserIdClaim { get; set; } = UserIds.SubjectClaim;

    /// <summary>The discovery document and JWKS only over HTTPS; false is allowed in Development only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// How often the provider's keys are fetched again: a key the provider no longer publishes closes
    /// the hub connections it signed within two intervals. A token with an unknown <c>kid</c> fetches
    /// them too, at most every 30 seconds (or every interval, when that is shorter).
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The audiences a provider's token is checked against.</summary>
    public IReadOnlyList<string> ProviderAudiences() => Audiences.Count > 0 ? Audiences : [Audience];
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
