using System.Collections.Concurrent;
using ReHome.Streaming.Naming;
using StackExchange.Redis;

namespace ReHome.Worker.Runs;

/// <summary>
/// The runs this worker is generating, by id, so a stop published in Redis reaches the right one
/// within moments. A missed message (Redis reconnecting) is caught by each lease's own check.
/// </summary>
internal sealed class RunStopRegistry(IConnectionMultiplexer redis) : IHostedService
{
    private readonly ConcurrentDictionary<string, JobLease> _running = new(StringComparer.Ordinal);

    public void Add(string runId, JobLease lease) => _running[runId] = lease;

    public void Remove(string runId, JobLease lease) => _running.TryRemove(new KeyValuePair<string, JobLease>(runId, lease));

    public Task StartAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().SubscribeAsync(StreamNames.Channels.CancelRequests, (_, runId) =>
        {
            if (_running.TryGetValue((string?)runId ?? string.Empty, out var lease))
            {
                lease.StopForUser();
            }
        });

    public Task StopAsync(CancellationToken cancellationToken) =>
        redis.GetSubscriber().UnsubscribeAsync(StreamNames.Channels.CancelRequests);
}
