using System.Security.Claims;

namespace ReHome.Streaming.Auth;

/// <summary>
/// The user id, read the same way by REST and the hub. Authentication puts it into its own claim
/// (<see cref="ClaimType"/>): from <c>sub</c> for tokens signed with ReHome's keys, from
/// <c>Auth:UserIdClaim</c> for an identity provider's.
/// </summary>
public static class UserIds
{
    public const string SubjectClaim = "sub";

    /// <summary>The claim authentication writes the user id into; one a token carries itself is dropped first.</summary>
    public const string ClaimType = "rehome_user_id";

    public static string? Of(ClaimsPrincipal? user) => user?.FindFirst(ClaimType)?.Value;

    /// <summary>
    /// Makes <paramref name="sourceClaim"/> of a validated token the user id; false when the token has none.
    /// </summary>
    public static bool TryAssign(ClaimsPrincipal user, string sourceClaim)
    {
        if (user.Identity is not ClaimsIdentity identity || identity.FindFirst(sourceClaim)?.Value is not { Length: > 0 } userId)
        {
            return false;
        }

        foreach (var carried in identity.FindAll(ClaimType).ToArray())
        {
            identity.RemoveClaim(carried);
        }

        identity.AddClaim(new Claim(ClaimType, userId));
        return true;
    }
}
