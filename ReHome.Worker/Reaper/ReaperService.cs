using Microsoft.Extensions.Options;
using ReHome.Streaming.Telemetry;

namespace ReHome.Worker.Reaper;

/// <summary>Runs the stuck-stream reaper every <see cref="ReaperOptions.Interval"/> in every worker.</summary>
internal sealed partial class ReaperService(StuckStreamReaper reaper, IOptions<ReaperOptions> options, TimeProvider time, StreamingMetrics metrics, ILogger<ReaperService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await reaper.ReapAsync(dryRun: false, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One failed sweep must not stop the worker; the next one tries again.
                metrics.Error("reaper");
                Log.ReapFailed(logger, exception);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(321, LogLevel.Warning, "Reaper: could not look for stuck streams")]
        public static partial void ReapFailed(ILogger logger, Exception exception);
    }
}
