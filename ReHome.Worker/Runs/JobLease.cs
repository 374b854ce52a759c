using ReHome.Streaming.Redis;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Worker.Queue;

namespace ReHome.Worker.Runs;

/// <summary>
/// This worker's hold on a job while it generates: confirms the job often enough that it is never
/// taken over while the worker lives, watches for the user's stop, and cancels <see cref="Token"/>
/// when the user stops the run, the job is lost to another worker, or the worker shuts down.
/// </summary>
/// <remarks>
/// A confirmation resets the job's idle time in Redis, so for a visibility timeout after it began
/// no other worker can take the job: that is the window in which this worker may write the stream.
/// When Redis is away long enough for the window to close, <see cref="WaitUntilHeldAsync"/> holds
/// writes back until a confirmation succeeds again (still ours) or fails (taken over: stop).
/// </remarks>
internal sealed class JobLease : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly QueueJob _job;
    private readonly StreamRef _stream;
    private readonly QueueReader _queue;
    private readonly RunCancellation _stops;
    private readonly RunStopRegistry _registry;
    private readonly TimeProvider _time;
    private readonly TimeSpan _checkEvery;
    private readonly TimeSpan _writeWindow;
    private readonly Task _watching;
    private long _confirmedAt;
    private TaskCompletionSource _confirmed = NewSignal();

    public JobLease(
        QueueJob job, StreamRef stream, QueueReader queue, RunCancellation stops, RunStopRegistry registry,
        TimeSpan visibilityTimeout, TimeProvider time, CancellationToken stopping)
    {
        (_job, _stream, _queue, _stops, _registry, _time) = (job, stream, queue, stops, registry, time);
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        // A third of the visibility timeout leaves two chances before a takeover; at most a second,
        // which is also how quickly a stop is seen if its pub/sub message was missed.
        _checkEvery = TimeSpan.FromTicks(Math.Min(visibilityTimeout.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
        // Two thirds, not all of it: the rest covers clock drift and a write already on its way.
        _writeWindow = visibilityTimeout * 2 / 3;
        // Taking the job reset its idle time, as a confirmation does.
        _confirmedAt = job.TakenAt;
        registry.Add(job.RunId, this);
        _watching = WatchAsync();
    }

    public CancellationToken Token => _cancellation.Token;

    public bool StoppedByUser { get; private set; }

    public bool LostToAnotherWorker { get; private set; }

    /// <summary>True while no other worker can have taken the job (see the remarks).</summary>
    public bool IsHeld => _time.GetElapsedTime(Interlocked.Read(ref _confirmedAt)) < _writeWindow;

    public void StopForUser()
    {
        StoppedByUser = true;
        _cancellation.Cancel();
    }

    /// <summary>Returns at once while the job is held; otherwise when a confirmation succeeds, or throws when the lease ends.</summary>
    public async ValueTask WaitUntilHeldAsync(CancellationToken cancellationToken)
    {
        while (!IsHeld)
        {
            await Volatile.Read(ref _confirmed).Task.WaitAsync(cancellationToken);
        }
    }

    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(_checkEvery, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_cancellation.Token))
            {
                try
                {
                    var started = _time.GetTimestamp();
                    if (!await _queue.KeepAsync(_job, _stream))
                    {
                        LostToAnotherWorker = true;
                        await _cancellation.CancelAsync();
                        return;
                    }

                    Interlocked.Exchange(ref _confirmedAt, started);
                    Interlocked.Exchange(ref _confirmed, NewSignal()).TrySetResult();
                    if (await _stops.IsRequestedAsync(_job.RunId))
                    {
                        StopForUser();
                    }
                }
                catch (Exception exception) when (RedisFaults.IsTransient(exception))
                {
                    // Redis is away; the next tick tries again. Writes pause once the window closes.
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

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
