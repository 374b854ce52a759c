using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Telemetry;
using ReHome.Worker.Runs;

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
    /// <summary>
    /// A consumer name that holds no job and has not read for this long belongs to a worker long gone
    /// (a live one reads every block timeout, at most a minute); removed at each worker start.
    /// </summary>
    public static readonly TimeSpan ForgottenConsumerIdle = TimeSpan.FromHours(1);

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
                catch (Exception exception) when (RedisFaults.IsTransient(exception))
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
        await ForgetOwnNameAsync();
    }

    /// <summary>Every worker start has a consumer name of its own; a stopping worker removes its own (it holds no job now).</summary>
    private async Task ForgetOwnNameAsync()
    {
        try
        {
            await queue.RemoveSelfAsync();
        }
        catch (Exception exception) when (RedisFaults.IsTransient(exception))
        {
            // Redis is away; a later worker's start removes the name once it has been idle long enough.
            Log.ForgetNameFailed(logger, exception);
        }
    }

    private async Task RunAsync(QueueJob job, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            await executor.ExecuteAsync(job, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while Redis was away: the job stays pending and is taken over after the visibility timeout.
        }
        catch (Exception exception)
        {
            metrics.Error("worker");
            Log.ExecutionFailed(logger, job.RunId, exception);
            await HandBackAsync(job);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>After an unexpected failure, any worker (this one too) may take the job again at once.</summary>
    private async Task HandBackAsync(QueueJob job)
    {
        try
        {
            await queue.HandBackAsync(job);
        }
        catch (Exception exception) when (RedisFaults.IsTransient(exception))
        {
            // Redis is away: the job stays this worker's, and other workers take it over after the visibility timeout.
        }
    }

    private async Task PrepareAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                await queue.EnsureGroupsAsync();
                await queue.RemoveIdleConsumersAsync(ForgottenConsumerIdle);
                await wake.SubscribeAsync();
                return;
            }
            catch (Exception exception) when (RedisFaults.IsTransient(exception))
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

        [LoggerMessage(312, LogLevel.Error, "Run {RunId}: execution failed; its job is handed back to the queue")]
        public static partial void ExecutionFailed(ILogger logger, string runId, Exception exception);

        [LoggerMessage(313, LogLevel.Warning, "Queue: Redis is not reachable yet")]
        public static partial void WaitingForRedis(ILogger logger, Exception exception);

        [LoggerMessage(314, LogLevel.Warning, "Queue: this worker's consumer name could not be removed (Redis is away)")]
        public static partial void ForgetNameFailed(ILogger logger, Exception exception);
    }
}
