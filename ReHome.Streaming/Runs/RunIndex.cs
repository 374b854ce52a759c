using ReHome.Streaming.Paging;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>One page of a thread's runs: up to the page size, oldest first, and where the next (older) page starts.</summary>
public sealed record RunPage(IReadOnlyList<AgentRun> Runs, CreationCursor? Next)
{
    public bool HasMore => Next is not null;
}

/// <summary>
/// A thread's runs, newest first, a page at a time (the index <c>ai:thread:{id}:runs</c>, scored by
/// creation time). Runs are read without their input (up to <c>Queue:MaxInputLength</c> each; a
/// listing does not return it), all of a page in one round trip. Entries whose run record expired
/// (<c>Runs:Retention</c>) are dropped from the index as they are met.
/// </summary>
public sealed class RunIndex(IConnectionMultiplexer redis)
{
    private static readonly RedisValue[] ListedFields = ["threadId", "streamId", "priority", "status", "attempts", "createdAt", "error", "version"];

    /// <summary>Up to <paramref name="limit"/> runs created before <paramref name="before"/> (the newest when null), returned oldest first.</summary>
    public async Task<RunPage> ListPageAsync(string threadId, CreationCursor? before, int limit)
    {
        var page = await CreationIndex.ListPageAsync(redis.GetDatabase(), Keys.ThreadRuns(threadId), before, limit, entries => ReadRunsAsync(threadId, entries));
        return new RunPage(page.Items.Reverse().ToArray(), page.Next);
    }

    /// <summary>
    /// Drops the entries of runs whose record has expired from the thread's index (with
    /// <paramref name="dryRun"/>, only counts them); returns how many. A run's record never expires
    /// before the run finished, so a queued or running run is never dropped.
    /// </summary>
    public async Task<int> TrimAsync(string threadId, int batchSize, bool dryRun = false)
    {
        var removed = 0;
        CreationCursor? position = null;
        while (true)
        {
            var entries = await CreationIndex.ReadBeforeAsync(redis.GetDatabase(), Keys.ThreadRuns(threadId), position, batchSize);
            if (entries.Count == 0)
            {
                return removed;
            }

            removed += entries.Count - (await ReadRunsAsync(threadId, entries, dropExpired: !dryRun)).Count;
            position = entries[^1];
            if (entries.Count < batchSize)
            {
                return removed;
            }
        }
    }

    /// <summary>The runs of <paramref name="entries"/> that still exist, in the same order; the others leave the index.</summary>
    private async Task<IReadOnlyList<(AgentRun Item, CreationCursor At)>> ReadRunsAsync(
        string threadId, IReadOnlyList<CreationCursor> entries, bool dropExpired = true)
    {
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var reads = entries.Select(entry => batch.HashGetAsync(Keys.Run(entry.Id), ListedFields)).ToArray();
        batch.Execute();

        var runs = new List<(AgentRun, CreationCursor)>(entries.Count);
        var expired = new List<RedisValue>();
        for (var i = 0; i < entries.Count; i++)
        {
            var values = await reads[i];
            if (values[0].IsNull)
            {
                expired.Add(entries[i].Id);
                continue;
            }

            var fields = ListedFields.Select((name, index) => (Name: (string)name!, Value: values[index]))
                .Where(field => !field.Value.IsNull)
                .ToDictionary(field => field.Name, field => field.Value);
            runs.Add((RunStore.Read(entries[i].Id, fields), entries[i]));
        }

        if (dropExpired && expired.Count > 0)
        {
            await database.SortedSetRemoveAsync(Keys.ThreadRuns(threadId), expired.ToArray());
        }

        return runs;
    }
}
