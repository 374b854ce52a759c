using Microsoft.AspNetCore.Authentication.JwtBearer;
using ReHome.Streaming.Auth;

namespace ReHome.Api.Auth;

/// <summary>
/// A key's NotAfter ends the connections it authenticated, not only new sign-ins: the ticket expires at
/// the earlier of the token's <c>exp</c> and its signing key's NotAfter, and the hub
/// (<c>CloseOnAuthenticationExpiration</c>) closes a connection within a second of its ticket expiring.
/// The ticket keeps its expiry to the whole second (<see cref="Microsoft.AspNetCore.Authentication.AuthenticationProperties"/>
/// stores it as RFC 1123 text), rounded down: a connection never outlives its key, and may end up to a
/// second before the NotAfter.
/// </summary>
internal static class KeyRevocation
{
    public static void CapAtKeyNotAfter(TokenValidatedContext context, SigningKeyRing keys)
    {
        // The key that verified the signature; the token's kid named it.
        if (keys.NotAfter(context.SecurityToken.SigningKey?.KeyId) is { } notAfter
            && (context.Properties.ExpiresUtc is not { } expires || notAfter < expires))
        {
            context.Properties.ExpiresUtc = notAfter;
        }
    }
}
