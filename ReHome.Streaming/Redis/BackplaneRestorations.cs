using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

/// <summary>
/// Hears the backplane's multiplexer come back and hands that on to <see cref="BackplaneResync"/>.
/// A class of its own so the backplane's options can depend on it without depending on the hub
/// context (which depends on those options).
/// </summary>
public sealed partial class BackplaneRestorations(ILogger<BackplaneRestorations> logger)
{
    // One pending resync is enough: restores that come while one waits are covered by it.
    private readonly Channel<bool> _restored = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    internal ChannelReader<bool> Reader => _restored.Reader;

    /// <summary>Hooks the backplane's multiplexer: every restored connection asks for a resync.</summary>
    public void Watch(IConnectionMultiplexer backplane) =>
        backplane.ConnectionRestored += (_, restored) =>
        {
            Log.BackplaneRestored(logger, restored.ConnectionType.ToString(), restored.EndPoint?.ToString());
            _restored.Writer.TryWrite(true);
        };

    private static partial class Log
    {
        [LoggerMessage(140, LogLevel.Warning, "BackplaneResync: backplane connection {ConnectionType} to {EndPoint} restored; broadcasts sent meanwhile may be lost")]
        public static partial void BackplaneRestored(ILogger logger, string connectionType, string? endPoint);
    }
}
