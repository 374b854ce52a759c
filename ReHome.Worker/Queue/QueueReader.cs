using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Worker.Heartbeat;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Queue;

/// <summary>
/// The worker's side of the run queue: takes jobs (high before default, and jobs of dead workers
/// before new ones of the same priority), keeps them while working, and acknowledges, requeues or
/// dead-letters them. Each step that moves a job is one Redis transaction.
/// </summary>
internal sealed class QueueReader(IConnectionMultiplexer redis, IOptions<QueueOptions> options, WorkerIdentity identity, TimeProvider time)
{
    private const string Group = QueueOptions.ConsumerGroup;

    private string Name => options.Value.Name;

    private IDatabase Database => redis.GetDatabase();

    /// <summary>Creates the consumer groups (reading from the start, so jobs queued before any worker ran are not skipped).</summary>
    public async Task EnsureGroupsAsync()
    {
        foreach (var priority in RunPriorities.InOrder)
        {
            try
            {
                await Database.StreamCreateConsumerGroupAsync(Keys.Queue(Name, priority), Group, StreamPosition.Beginning, createStream: true);
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
            {
                // Another worker created it first.
            }
        }
    }

    public async Task<QueueJob?> TryTakeAsync()
    {
        try
        {
            return await TakeAsync();
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            // Redis lost the consumer groups (FLUSHDB, or a restart without persistence): make them again.
            await EnsureGroupsAsync();
            return await TakeAsync();
        }
    }

    private async Task<QueueJob?> TakeAsync()
    {
        var idleMs = (long)options.Value.VisibilityTimeout.TotalMilliseconds;
        foreach (var priority in RunPriorities.InOrder)
        {
            var key = Keys.Queue(Name, priority);
            var takenOver = await Database.StreamAutoClaimAsync(key, Group, identity.Id, idleMs, "0-0", count: 1);
            if (takenOver.ClaimedEntries is [var stale, ..])
            {
                return ToJob(stale, priority, key, takenOver: true);
            }

            var fresh = await Database.StreamReadGroupAsync(key, Group, identity.Id, StreamPosition.NewMessages, count: 1);
            if (fresh is [var entry, ..])
            {
                return ToJob(entry, priority, key, takenOver: false);
            }
        }

        return null;
    }

    /// <summary>Confirms this worker still works on the job; false when another worker has taken it over.</summary>
    public async Task<bool> KeepAsync(QueueJob job) =>
        (long)await Database.ScriptEvaluateAsync(QueueScripts.Keep, [job.QueueKey], [Group, identity.Id, job.EntryId]) == 1;

    /// <summary>Done with the job: it leaves the queue for good.</summary>
    public Task AcknowledgeAsync(QueueJob job)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StreamAcknowledgeAsync(job.QueueKey, Group, job.EntryId);
        _ = transaction.StreamDeleteAsync(job.QueueKey, [job.EntryId]);
        return transaction.ExecuteAsync();
    }

    /// <summary>Hands the job back (this worker is stopping): any worker takes it at once, no visibility timeout to wait.</summary>
    public Task RequeueAsync(QueueJob job)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StreamAddAsync(job.QueueKey, [new("runId", job.RunId), new("enqueuedAt", time.GetUtcNow().ToUnixTimeMilliseconds())]);
        _ = transaction.StreamAcknowledgeAsync(job.QueueKey, Group, job.EntryId);
        _ = transaction.StreamDeleteAsync(job.QueueKey, [job.EntryId]);
        return transaction.ExecuteAsync();
    }

    /// <summary>
    /// Moves the job to the dead-letter stream with the reason it could not be done; the stream keeps
    /// about <c>Queue:DeadLetterMaxLength</c> entries (trimmed approximately, oldest first).
    /// </summary>
    public Task DeadLetterAsync(QueueJob job, string reason, int attempts)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StreamAddAsync(Keys.DeadLetters(Name),
        [
            new("runId", job.RunId), new("priority", job.Priority), new("reason", reason),
            new("attempts", attempts), new("failedAt", time.GetUtcNow().ToUnixTimeMilliseconds()),
        ], maxLength: options.Value.DeadLetterMaxLength, useApproximateMaxLength: true);
        _ = transaction.StreamAcknowledgeAsync(job.QueueKey, Group, job.EntryId);
        _ = transaction.StreamDeleteAsync(job.QueueKey, [job.EntryId]);
        return transaction.ExecuteAsync();
    }

    private static QueueJob ToJob(StreamEntry entry, string priority, RedisKey key, bool takenOver) =>
        new((string?)entry["runId"] ?? string.Empty, priority, key, entry.Id, takenOver,
            DateTimeOffset.FromUnixTimeMilliseconds(entry["enqueuedAt"].TryParse(out long enqueuedAt) ? enqueuedAt : 0));
}
