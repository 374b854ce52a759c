using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using ReHome.Worker.Outage;
using ReHome.Worker.Queue;
using ReHome.Worker.Telemetry;

namespace ReHome.Worker.Runs;

/// <summary>
/// Executes one queued job from start to acknowledgement: never generates a finished run again,
/// retries failed attempts with exponential back-off (Polly), and ends every path with the run and
/// its stream in a final state — or, when the worker is stopping, with the job handed back.
/// </summary>
internal sealed partial class RunExecutor(
    RunStore runs,
    RunGenerator generator,
    StreamingService streaming,
    RunEvents events,
    RunCancellation stops,
    RunStopRegistry registry,
    QueueReader queue,
    IOptions<QueueOptions> options,
    StreamingMetrics metrics,
    QueueMetrics queueMetrics,
    RedisPatience patience,
    TimeProvider time,
    ILogger<RunExecutor> logger)
{
    private const string LostDataReason = "Redis lost this run's data while it was being written";

    /// <summary>How long a stopping worker tries to hand a job back while Redis is away.</summary>
    private static readonly TimeSpan HandBackPatience = TimeSpan.FromSeconds(5);

    public async Task ExecuteAsync(QueueJob job, CancellationToken stopping)
    {
        var started = time.GetTimestamp();
        using var trace = RunTrace.Start(job, time);
        var outcome = await ExecuteCoreAsync(job, trace, stopping);
        trace.Finish(outcome);
        queueMetrics.Finished(outcome, time.GetElapsedTime(started));
    }

    /// <returns>The job's outcome, for the jobs metric.</returns>
    private async Task<string> ExecuteCoreAsync(QueueJob job, RunTrace trace, CancellationToken stopping)
    {
        var settings = options.Value;
        if (await patience.ExecuteAsync(_ => runs.GetAsync(job.RunId), stopping) is not { } run)
        {
            Log.RunMissing(logger, job.RunId);
            await patience.ExecuteAsync(_ => queue.AcknowledgeAsync(job), stopping);
            return "dropped";
        }

        trace.Run(run);

        if (RunStatuses.IsFinal(run.Status))
        {
            // Delivered again after it finished (at-least-once): it is never generated twice.
            await patience.ExecuteAsync(_ => queue.AcknowledgeAsync(job), stopping);
            return "duplicate";
        }

        if (await patience.ExecuteAsync(_ => stops.IsRequestedAsync(run.Id), stopping))
        {
            return await EndAsync(job, run, trace, RunStatuses.Cancelled, RunCancellation.UserReason, stopping);
        }

        if (settings.MaxAttempts - run.Attempts <= 0)
        {
            return await DeadLetterAsync(job, run, trace, $"gave up after {run.Attempts} attempts: the workers running it stopped or died", run.Attempts, stopping);
        }

        await using var lease = new JobLease(job, run.Stream, queue, stops, registry, settings.VisibilityTimeout, time, stopping);
        var attempts = run.Attempts;
        try
        {
            await Retries(settings.MaxAttempts - run.Attempts, run.Id, lease, trace).ExecuteAsync(async token =>
            {
                var attempt = await patience.ExecuteAsync(_ => runs.BeginAttemptAsync(run.Id, settings.MaxAttempts), token);
                attempts = attempt.Attempts;
                trace.Attempt(attempts);
                if (!attempt.IsRunning)
                {
                    throw new RunNotRunnableException(attempt);
                }

                if (attempt.Attempts == 1)
                {
                    queueMetrics.Started(job.Priority, time.GetUtcNow() - job.EnqueuedAt);
                }

                await events.PublishAsync(run.Id, token);
                await generator.GenerateAsync(run, lease, trace, token);
            }, lease.Token);

            return await EndAsync(job, run, trace, RunStatuses.Completed, reason: null, stopping);
        }
        catch (OperationCanceledException) when (lease.StoppedByUser)
        {
            return await EndAsync(job, run, trace, RunStatuses.Cancelled, RunCancellation.UserReason, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await HandBackAsync(job, run);
            return "requeued";
        }
        catch (OperationCanceledException) when (lease.LostToAnotherWorker)
        {
            if (await patience.ExecuteAsync(_ => runs.GetAsync(run.Id), stopping) is null)
            {
                // Not another worker: Redis lost the run and its job (a flush, a restore without them),
                // and with them the stream's log. Subscribers are told twice over: a new epoch (clear what
                // you showed, Redis no longer has it), then the end, aborted, with the reason.
                await TellSubscribersOfLostDataAsync(run, stopping);
                Log.RunDataLost(logger, run.Id);
                return "lost";
            }

            Log.LostToAnotherWorker(logger, run.Id);
            return "taken_over";
        }
        catch (RunDataLostException)
        {
            await TellSubscribersOfLostDataAsync(run, stopping);
            Log.RunDataLost(logger, run.Id);
            return "lost";
        }
        catch (RunNotRunnableException notRunnable) when (notRunnable.Attempt.Outcome == RunStore.AttemptStart.Exhausted)
        {
            return await DeadLetterAsync(job, run, trace, "out of attempts", notRunnable.Attempt.Attempts, stopping);
        }
        catch (RunNotRunnableException)
        {
            await patience.ExecuteAsync(_ => queue.AcknowledgeAsync(job), stopping);
            return "duplicate";
        }
        catch (StreamEndedException)
        {
            // Someone else ended the stream (the reaper, or this run before a crash): the run ends as its stream did.
            return await EndAsync(job, run, trace, RunStatuses.Failed, "the stream was ended while the run was writing it", stopping);
        }
        catch (Exception exception)
        {
            // The provider failed every attempt (a provider timeout included). Users see a reason that
            // says what happened without the provider's own text; the exception goes to the log.
            metrics.Error("worker");
            Log.AttemptsExhausted(logger, run.Id, attempts, exception);
            trace.AttemptFailed(exception);
            return await DeadLetterAsync(job, run, trace, RunFailureReasons.For(exception), attempts, stopping);
        }
    }

    private async Task TellSubscribersOfLostDataAsync(AgentRun run, CancellationToken stopping)
    {
        try
        {
            await patience.ExecuteAsync(token => streaming.RestartAsync(run.Stream, run.Id, token), stopping);
        }
        catch (StreamEndedException)
        {
            // It had ended before Redis lost it; the end below reports that end.
        }

        await patience.ExecuteAsync(token => streaming.AbortAsync(run.Stream, run.Id, LostDataReason, token), stopping);
    }

    /// <summary>
    /// Shutting down: hands the job back so another worker resumes it at once; its stream stays open.
    /// If Redis is away, the job is taken over after the visibility timeout instead.
    /// </summary>
    private async Task HandBackAsync(QueueJob job, AgentRun run)
    {
        using var patienceAtShutdown = new CancellationTokenSource(HandBackPatience);
        try
        {
            await patience.ExecuteAsync(_ => runs.TransitionAsync(run.Id, RunStatuses.Queued, from: RunStatuses.Running), patienceAtShutdown.Token);
            await patience.ExecuteAsync(_ => queue.HandBackAsync(job), patienceAtShutdown.Token);
            Log.HandedBack(logger, run.Id);
        }
        catch (OperationCanceledException)
        {
            Log.HandBackFailed(logger, run.Id);
        }
    }

    private ResiliencePipeline Retries(int attemptsLeft, string runId, JobLease lease, RunTrace trace)
    {
        var pipeline = new ResiliencePipelineBuilder();
        if (attemptsLeft > 1)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                // A provider failure, a provider timeout among them (cancelled, but not by the lease);
                // not a stop, a takeover or a shutdown, and never Redis being away (RedisPatience waits for it).
                ShouldHandle = new PredicateBuilder().Handle<Exception>(exception => exception switch
                {
                    OperationCanceledException => !lease.Token.IsCancellationRequested,
                    RunNotRunnableException or StreamEndedException or RunDataLostException => false,
                    _ => true,
                }),
                MaxRetryAttempts = attemptsLeft - 1,
                // Exponential from Queue:RetryDelay, ±20 % so jobs failing together do not retry in lockstep,
                // and never shorter than 80 % of the step (Polly's own jitter may go far below the base).
                DelayGenerator = retry => ValueTask.FromResult<TimeSpan?>(
                    options.Value.RetryDelay * Math.Pow(2, retry.AttemptNumber) * (0.8 + (0.4 * Random.Shared.NextDouble()))),
                OnRetry = retry =>
                {
                    Log.Retrying(logger, runId, retry.AttemptNumber + 1, retry.RetryDelay, retry.Outcome.Exception);
                    trace.AttemptFailed(retry.Outcome.Exception);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return pipeline.Build();
    }

    /// <returns>The outcome: the run's final status, or <c>dead_lettered</c>.</returns>
    /// <remarks>
    /// Each step waits out a Redis outage. If the worker stops meanwhile, the job stays pending and the
    /// worker that takes it over finishes the ending: every step is safe to do twice.
    /// </remarks>
    private async Task<string> EndAsync(QueueJob job, AgentRun run, RunTrace trace, string status, string? reason, CancellationToken stopping, int? deadLetterAfterAttempts = null)
    {
        var ended = await patience.ExecuteAsync(token => status switch
        {
            RunStatuses.Completed => streaming.CompleteAsync(run.Stream, run.Id, token),
            RunStatuses.Cancelled => streaming.CancelAsync(run.Stream, run.Id, reason ?? RunCancellation.UserReason, token),
            _ => streaming.FailAsync(run.Stream, run.Id, reason ?? "failed", token),
        }, stopping);
        trace.StreamEnded(ended);

        // A stream ended by someone else (the reaper) decides: the run ends as its stream did.
        var runStatus = ended.Status switch
        {
            StreamStatuses.Completed => RunStatuses.Completed,
            StreamStatuses.Cancelled => RunStatuses.Cancelled,
            _ => RunStatuses.Failed,
        };
        await patience.ExecuteAsync(
            _ => runs.TransitionAsync(run.Id, runStatus, runStatus == RunStatuses.Completed ? null : ended.Reason ?? reason), stopping);
        if (deadLetterAfterAttempts is { } attempts)
        {
            await patience.ExecuteAsync(_ => queue.DeadLetterAsync(job, reason ?? "failed", attempts), stopping);
            Log.DeadLettered(logger, run.Id, attempts, reason ?? "failed");
        }
        else
        {
            await patience.ExecuteAsync(_ => queue.AcknowledgeAsync(job), stopping);
        }

        await events.PublishAsync(run.Id, CancellationToken.None);
        Log.Ended(logger, run.Id, runStatus, ended.LastSeq);
        return deadLetterAfterAttempts is null ? runStatus : "dead_lettered";
    }

    private Task<string> DeadLetterAsync(QueueJob job, AgentRun run, RunTrace trace, string reason, int attempts, CancellationToken stopping) =>
        EndAsync(job, run, trace, RunStatuses.Failed, reason, stopping, deadLetterAfterAttempts: attempts);

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Warning, "Run {RunId} has no record; its job is dropped")]
        public static partial void RunMissing(ILogger logger, string runId);

        [LoggerMessage(301, LogLevel.Warning, "Run {RunId}: attempt {Attempt} starts in {Delay} after a failure")]
        public static partial void Retrying(ILogger logger, string runId, int attempt, TimeSpan delay, Exception? exception);

        [LoggerMessage(302, LogLevel.Error, "Run {RunId} failed after {Attempts} attempts")]
        public static partial void AttemptsExhausted(ILogger logger, string runId, int attempts, Exception exception);

        [LoggerMessage(303, LogLevel.Warning, "Run {RunId} dead-lettered after {Attempts} attempts: {Reason}")]
        public static partial void DeadLettered(ILogger logger, string runId, int attempts, string reason);

        [LoggerMessage(304, LogLevel.Information, "Run {RunId} ended {Status} at seq {LastSeq}")]
        public static partial void Ended(ILogger logger, string runId, string status, long lastSeq);

        [LoggerMessage(305, LogLevel.Information, "Run {RunId} handed back to the queue: this worker is stopping")]
        public static partial void HandedBack(ILogger logger, string runId);

        [LoggerMessage(306, LogLevel.Warning, "Run {RunId} was taken over by another worker; this one stops working on it")]
        public static partial void LostToAnotherWorker(ILogger logger, string runId);

        [LoggerMessage(307, LogLevel.Warning, "Run {RunId} could not be handed back (Redis is away); another worker takes it over after the visibility timeout")]
        public static partial void HandBackFailed(ILogger logger, string runId);

        [LoggerMessage(308, LogLevel.Error, "Run {RunId}: Redis lost its record and job while it was being written; its stream is aborted")]
        public static partial void RunDataLost(ILogger logger, string runId);
    }
}
