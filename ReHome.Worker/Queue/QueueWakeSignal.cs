using Microsoft.Extensions.Options;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using StackExchange.Redis;

namespace ReHome.Worker.Queue;

/// <summary>
/// Wakes idle queue loops when a job is queued (Redis pub/sub), so a new run starts at once instead
/// of at the next poll. Pub/sub can miss a message during a reconnect; the loop's block timeout covers that.
/// </summary>
internal sealed class QueueWakeSignal(IConnectionMultiplexer redis, IOptions<QueueOptions> options)
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task SubscribeAsync() =>
        redis.GetSubscriber().SubscribeAsync(StreamNames.Channels.QueueWake(options.Value.Name), (_, _) => Wake());

    public void Wake() => Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>The next wake-up. Take it before looking at the queue, so a job queued in between is not slept through.</summary>
    public Task Next => Volatile.Read(ref _signal).Task;

    /// <summary>Waits for <paramref name="next"/> (see <see cref="Next"/>) or until <paramref name="timeout"/> passes.</summary>
    public static async Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await Task.WhenAny(next, Task.Delay(timeout, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }
}
