using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
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
            var takenOver = await Database.ScriptEvaluateAsync(QueueScripts.TakeOver, [key], [Group, identity.Id, idleMs]);
            if (!takenOver.IsNull && takenOver.Resp2Type == ResultType.Array)
            {
                return ToJob((RedisResult[])takenOver!, priority, key);
            }

            var fresh = await Database.StreamReadGroupAsync(key, Group, identity.Id, StreamPosition.NewMessages, count: 1);
            if (fresh is [var entry, ..])
            {
                return ToJob(entry, priority, key, takenOver: false);
            }
        }

        return null;
    }

    /// <summary>
    /// Confirms this worker still works on the job, and marks its stream active; false when another
    /// worker has taken the job over.
    /// </summary>
    public async Task<bool> KeepAsync(QueueJob job, StreamRef stream) =>
        (long)await Database.ScriptEvaluateAsync(
            QueueScripts.Keep, [job.QueueKey, Keys.Active], [Group, identity.Id, job.EntryId, stream.Key, time.GetUtcNow().ToUnixTimeMilliseconds()]) == 1;

    /// <summary>Done with the job: it leaves the queue for good.</summary>
    public Task AcknowledgeAsync(QueueJob job)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.StreamAcknowledgeAsync(job.QueueKey, Group, job.EntryId);
        _ = transaction.StreamDeleteAsync(job.QueueKey, [job.EntryId]);
        return transaction.ExecuteAsync();
    }

    /// <summary>
    /// Hands the job back (this worker is stopping): the next worker with a free slot takes it over at
    /// once, before new jobs of its priority, and resumes its stream.
    /// </summary>
    public Task HandBackAsync(QueueJob job) =>
        Database.ScriptEvaluateAsync(
            QueueScripts.HandBack, [job.QueueKey], [Group, QueueOptions.HandedBackConsumer, job.EntryId, (long)options.Value.VisibilityTimeout.TotalMilliseconds]);

    /// <summary>Forgets consumer names that hold no job and have not read for <paramref name="idleFor"/>: workers long gone.</summary>
    public async Task<long> RemoveIdleConsumersAsync(TimeSpan idleFor)
    {
        long removed = 0;
        foreach (var priority in RunPriorities.InOrder)
        {
            removed += (long)await Database.ScriptEvaluateAsync(
                QueueScripts.RemoveIdleConsumers, [Keys.Queue(Name, priority)], [Group, (long)idleFor.TotalMilliseconds]);
        }

        return removed;
    }

    /// <summary>Removes this worker's own consumer name where it holds no job (it is stopping; its name is never used again).</summary>
    public async Task RemoveSelfAsync()
    {
        foreach (var priority in RunPriorities.InOrder)
        {
            var key = Keys.Queue(Name, priority);
            var pending = await Database.StreamPendingMessagesAsync(key, Group, count: 1, consumerName: identity.Id);
            if (pending.Length == 0)
            {
                await Database.StreamDeleteConsumerAsync(key, Group, identity.Id);
            }
        }
    }

    /// <summary>
    /// Moves the job to the dead-letter stream with the reason it could not be done; the stream keeps
    /// about <c>Queue:DeadLetterMaxLength</c> entries (trimmed approximately, oldest first).
    /// </summary>
    public Task DeadLetterAsync(QueueJob job, string reason, int attempts)
    {
        var transaction = Database.CreateTransaction();
        NameValueEntry[] entry =
        [
            new(DeadLetterFields.RunId, job.RunId), new(DeadLetterFields.Priority, job.Priority), new(DeadLetterFields.Reason, reason),
            new(DeadLetterFields.Attempts, attempts), new(DeadLetterFields.FailedAt, time.GetUtcNow().ToUnixTimeMilliseconds()),
            new(DeadLetterFields.TraceParent, job.TraceParent), new(DeadLetterFields.TraceState, job.TraceState),
        ];
        _ = transaction.StreamAddAsync(Keys.DeadLetters(Name), [.. entry.Where(field => !field.Value.IsNullOrEmpty)],
            maxLength: options.Value.DeadLetterMaxLength, useApproximateMaxLength: true);
        _ = transaction.StreamAcknowledgeAsync(job.QueueKey, Group, job.EntryId);
        _ = transaction.StreamDeleteAsync(job.QueueKey, [job.EntryId]);
        return transaction.ExecuteAsync();
    }

    private QueueJob ToJob(RedisResult[] claimed, string priority, RedisKey key)
    {
        var fields = (RedisResult[])claimed[1]!;
        var values = new NameValueEntry[fields.Length / 2];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = new NameValueEntry((string?)fields[2 * i], (RedisValue)fields[(2 * i) + 1]);
        }

        return ToJob(new StreamEntry((RedisValue)claimed[0], values), priority, key, takenOver: true);
    }

    private QueueJob ToJob(StreamEntry entry, string priority, RedisKey key, bool takenOver) =>
        new((string?)entry[QueueFields.RunId] ?? string.Empty, priority, key, entry.Id, takenOver,
            DateTimeOffset.FromUnixTimeMilliseconds(entry[QueueFields.EnqueuedAt].TryParse(out long enqueuedAt) ? enqueuedAt : 0), time.GetTimestamp(),
            (string?)entry[QueueFields.TraceParent] ?? string.Empty, (string?)entry[QueueFields.TraceState] ?? string.Empty);
}
