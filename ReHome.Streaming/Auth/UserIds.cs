using System.Security.Claims;

namespace ReHome.Streaming.Auth;

/// <summary>The user id is the token's <c>sub</c> claim, read the same way by REST and the hub.</summary>
public static class UserIds
{
    public const string SubjectClaim = "sub";

    public static string? Of(ClaimsPrincipal? user) => user?.FindFirst(SubjectClaim)?.Value;
}
