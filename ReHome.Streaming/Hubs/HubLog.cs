using Microsoft.Extensions.Logging;

namespace ReHome.Streaming.Hubs;

internal static partial class HubLog
{
    [LoggerMessage(500, LogLevel.Debug, "Hub {Method}: refused {UserId} ({Code}): {Reason}")]
    public static partial void Refused(ILogger logger, string method, string userId, string code, string reason);

    [LoggerMessage(501, LogLevel.Debug, "Hub {Method}: refused {UserId}, who has no refusals left in this window")]
    public static partial void RefusedTooOften(ILogger logger, string method, string userId);
}
