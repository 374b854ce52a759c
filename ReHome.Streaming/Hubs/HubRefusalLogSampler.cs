using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// SignalR logs every exception of a hub method as an error with its stack trace
/// ("Failed to invoke hub method", "Failed while sending stream items"), the coded refusals a client
/// provokes at will included — so any client could flood the logs and the alerts that read them.
/// This sampler drops SignalR's entries whose exception is a coded refusal (<see cref="HubErrors.CodeOf"/>);
/// <see cref="HubRefusalFilter"/> logs those at Debug. Every other entry is kept.
/// </summary>
internal sealed class HubRefusalLogSampler : LoggingSampler
{
    private const string SignalRCategoryPrefix = "Microsoft.AspNetCore.SignalR.";

    public override bool ShouldSample<TState>(in LogEntry<TState> logEntry) =>
        logEntry.Exception is null
        || !logEntry.Category.StartsWith(SignalRCategoryPrefix, StringComparison.Ordinal)
        || HubErrors.CodeOf(logEntry.Exception) is null;
}
