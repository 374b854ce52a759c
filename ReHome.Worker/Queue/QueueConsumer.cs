using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Telemetry;
using ReHome.Worker.Runs;
using StackExchange.Redis;

namespace ReHome.Worker.Queue;

/// <summary>
/// The worker's main loop — the runbook's <c>queue:work --queue=high,default</c>. Whenever one of its
/// <see cref="QueueOptions.Concurrency"/> slots is free it takes the next job, high priority first,
/// and runs it; idle, it sleeps until a job is queued. On shutdown it stops taking jobs, and the runs
/// in flight hand their jobs back, so none is lost.
/// </summary>
internal sealed partial class QueueConsumer(
    QueueReader queue,
    QueueWakeSignal wake,
    RunExecutor executor,
    IOptions<QueueOptions> options,
    StreamingMetrics metrics,
    ILogger<QueueConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        await PrepareAsync(stoppingToken);
        Log.Started(logger, settings.Name, settings.Concurrency);

        using var slots = new SemaphoreSlim(settings.Concurrency);
        var running = new ConcurrentDictionary<Task, bool>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var woken = wake.Next;
                QueueJob? job = null;
                try
                {
                    job = await queue.TryTakeAsync();
                }
                catch (RedisException exception)
                {
                    metrics.Error("queue");
                    Log.TakeFailed(logger, exception);
                }

                if (job is null)
                {
                    slots.Release();
                    await QueueWakeSignal.WaitAsync(woken, settings.BlockTimeout, stoppingToken);
                    continue;
                }

                var execution = RunAsync(job, slots, stoppingToken);
                running[execution] = true;
                _ = execution.ContinueWith(done => running.TryRemove(done, out _), TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: stop taking jobs.
        }

        await Task.WhenAll(running.Keys);
    }

    private async Task RunAsync(QueueJob job, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await executor.ExecuteAsync(job, stoppingToken);
        }
        catch (Exception exception)
        {
            // The job stays pending; another worker takes it over after the visibility timeout.
            metrics.Error("worker");
            Log.ExecutionFailed(logger, job.RunId, exception);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task PrepareAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await queue.EnsureGroupsAsync();
                await wake.SubscribeAsync();
                return;
            }
            catch (RedisException exception)
            {
                Log.WaitingForRedis(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(310, LogLevel.Information, "Queue {Queue}: taking jobs, high before default, {Concurrency} at a time")]
        public static partial void Started(ILogger logger, string queue, int concurrency);

        [LoggerMessage(311, LogLevel.Warning, "Queue: could not take a job")]
        public static partial void TakeFailed(ILogger logger, Exception exception);

        [LoggerMessage(312, LogLevel.Error, "Run {RunId}: execution failed; its job stays pending for another worker")]
        public static partial void ExecutionFailed(ILogger logger, string runId, Exception exception);

        [LoggerMessage(313, LogLevel.Warning, "Queue: Redis is not reachable yet")]
        public static partial void WaitingForRedis(ILogger logger, Exception exception);
    }
}
