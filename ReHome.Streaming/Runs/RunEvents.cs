using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>Tells a thread's subscribers that a run changed (<c>agent.thread.run.updated</c>), with its current state.</summary>
public sealed partial class RunEvents(RunStore runs, StreamLog streams, IHubContext<AgentHub> hub, StreamingMetrics metrics, ILogger<RunEvents> logger)
{
    public async Task PublishAsync(string runId, CancellationToken cancellationToken = default)
    {
        try
        {
            if (await runs.GetAsync(runId) is not { } run)
            {
                return;
            }

            var state = await streams.GetStateAsync(run.Stream);
            await hub.Clients.Group(Groups.Thread(run.ThreadId)).SendAsync(Events.RunUpdated, run.ToView(state.LastSeq), cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // A status notice is a courtesy: the run's state stays readable over REST.
            metrics.Error("runs");
            Log.PublishFailed(logger, runId, exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Warning, "Run {RunId}: could not tell subscribers of its new state")]
        public static partial void PublishFailed(ILogger logger, string runId, Exception exception);
    }
}
