using ReHome.Streaming.Auth;

namespace ReHome.Worker.Ops;

/// <summary>
/// Access tokens the commands mint for themselves: operators hold the signing key (the AppHost gives
/// it to the worker), so a command can act as a thread's owner or as its own service user.
/// </summary>
internal static class OpsUsers
{
    /// <summary>The user that owns threads the commands create and that probes the hub.</summary>
    public const string ServiceUser = "rehome-ops";

    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    public static string TokenFor(OpsServices ops, string userId) => ops.Get<AccessTokenIssuer>().Issue(userId, Lifetime).AccessToken;
}
