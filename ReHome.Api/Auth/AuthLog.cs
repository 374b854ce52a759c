namespace ReHome.Api.Auth;

internal static partial class AuthLog
{
    [LoggerMessage(900, LogLevel.Information, "Auth: closed {Count} hub connections whose tokens were signed by keys the identity provider no longer publishes")]
    public static partial void ClosedConnectionsOfRemovedKeys(ILogger logger, int count);

    [LoggerMessage(901, LogLevel.Warning, "Auth: the identity provider's keys could not be read; open hub connections are checked again at the next interval")]
    public static partial void ProviderKeysUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(902, LogLevel.Warning, "Auth: the identity provider publishes no signing keys; no hub connection is closed for it")]
    public static partial void ProviderPublishesNoKeys(ILogger logger);
}
