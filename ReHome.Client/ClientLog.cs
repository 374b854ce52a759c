using Microsoft.Extensions.Logging;

namespace ReHome.Client;

internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {Url}")]
    public static partial void Connected(ILogger logger, Uri url);

    [LoggerMessage(2, LogLevel.Warning, "Could not connect to {Url}; trying the next address in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, Uri url, TimeSpan delay, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "The connection to {Url} was lost; moving to the next address")]
    public static partial void ConnectionLost(ILogger logger, Uri url, Exception? exception);

    [LoggerMessage(4, LogLevel.Warning, "Subscribing to thread {ThreadId} again failed; the next reconnect tries again")]
    public static partial void ResubscribeFailed(ILogger logger, string threadId, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Replaying stream {StreamId} of thread {ThreadId} failed; the next reconnect replays it")]
    public static partial void ReplayFailed(ILogger logger, string threadId, string streamId, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "The api asked for a resync ({Reason})")]
    public static partial void Resync(ILogger logger, string reason);
}
