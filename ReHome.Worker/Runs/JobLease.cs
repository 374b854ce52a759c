using ReHome.Streaming.Runs;
using ReHome.Worker.Queue;
using StackExchange.Redis;

namespace ReHome.Worker.Runs;

/// <summary>
/// This worker's hold on a job while it generates: confirms the job often enough that it is never
/// taken over while the worker lives, watches for the user's stop, and cancels <see cref="Token"/>
/// when the user stops the run, the job is lost to another worker, or the worker shuts down.
/// </summary>
internal sealed class JobLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly QueueJob _job;
    private readonly QueueReader _queue;
    private readonly RunCancellation _stops;
    private readonly RunStopRegistry _registry;
    private readonly TimeSpan _checkEvery;
    private readonly Task _watching;

    public JobLease(QueueJob job, QueueReader queue, RunCancellation stops, RunStopRegistry registry, TimeSpan visibilityTimeout, CancellationToken stopping)
    {
        (_job, _queue, _stops, _registry) = (job, queue, stops, registry);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // A third of the visibility timeout leaves two chances before a takeover; at most a second,
        // which is also how quickly a stop is seen if its pub/sub message was missed.
        _checkEvery = TimeSpan.FromTicks(Math.Min(visibilityTimeout.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
        registry.Add(job.RunId, this);
        _watching = WatchAsync();
    }

    public CancellationToken Token => _cancellation.Token;

    public bool StoppedByUser { get; private set; }

    public bool LostToAnotherWorker { get; private set; }

    public void StopForUser()
    {
        StoppedByUser = true;
        _cancellation.Cancel();
    }

    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(_checkEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_cancellation.Token))
            {
                try
                {
                    if (!await _queue.KeepAsync(_job))
                    {
                        LostToAnotherWorker = true;
                        await _cancellation.CancelAsync();
                    }
                    else if (await _stops.IsRequestedAsync(_job.RunId))
                    {
                        StopForUser();
                    }
                }
                catch (RedisException)
                {
                    // Redis is briefly away; the next tick tries again, well within the visibility timeout.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended, was stopped, or the worker is shutting down.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registry.Remove(_job.RunId, this);
        await _cancellation.CancelAsync();
        await _watching;
        _cancellation.Dispose();
    }
}
