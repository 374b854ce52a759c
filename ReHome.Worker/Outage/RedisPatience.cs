using Polly;
using Polly.Retry;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Telemetry;

namespace ReHome.Worker.Outage;

/// <summary>
/// Waits out a Redis outage instead of failing the work that needs it. Every Redis step of a run
/// (starting an attempt, appending a token, ending the stream, acknowledging the job) goes through
/// here: while Redis is away the step is retried with a capped back-off until Redis answers or the
/// caller gives up (the run is stopped, lost to another worker, or the worker is shutting down).
/// An outage of the store is not the run's fault, so it never spends one of the run's attempts.
/// </summary>
/// <remarks>
/// Only steps that are safe to repeat come here: each one is idempotent in Redis (an append carries
/// the seq it expects, an end reports the first end, an acknowledgement of a gone entry does nothing).
/// </remarks>
internal sealed partial class RedisPatience
{
    /// <summary>First wait after a failed step; doubles up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between tries, so a step resumes within about this long of Redis returning.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly ResiliencePipeline _pipeline;

    public RedisPatience(StreamingMetrics metrics, TimeProvider time, ILogger<RedisPatience> logger)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(RedisFaults.IsTransient),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
                UseJitter = true,
                OnRetry = retry =>
                {
                    // Once per outage and step, then quietly: a 30 s outage must not flood the logs.
                    if (retry.AttemptNumber == 0)
                    {
                        metrics.Error("redis");
                        Log.Waiting(logger, retry.Outcome.Exception!);
                    }

                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    // Called for every token: the step's task is handed to Polly as it is, with no state machine of our own around it.
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> step, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (Func<CancellationToken, Task<T>> state, CancellationToken token) => new ValueTask<T>(state(token)), step, cancellationToken);

    public ValueTask ExecuteAsync(Func<CancellationToken, Task> step, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(static (Func<CancellationToken, Task> state, CancellationToken token) => new ValueTask(state(token)), step, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(330, LogLevel.Warning, "Redis is not answering; the step waits and tries again until it does")]
        public static partial void Waiting(ILogger logger, Exception exception);
    }
}
