using ReHome.Streaming.Paging;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Threads;

/// <summary>
/// A user's threads, newest first, a page at a time (the index <c>ai:user:{id}:threads</c>, scored by
/// creation time, written by <see cref="ThreadStore.CreateAsync"/>). The threads of a page are read in one
/// round trip; entries whose thread expired (<c>Runs:Retention</c>) are dropped from the index as they are met.
/// </summary>
public sealed class ThreadIndex(IConnectionMultiplexer redis)
{
    /// <summary>Up to <paramref name="limit"/> of the user's threads created before <paramref name="before"/> (the newest when null), newest first.</summary>
    public Task<CreationPage<AgentThread>> ListPageAsync(string userId, CreationCursor? before, int limit) =>
        CreationIndex.ListPageAsync(redis.GetDatabase(), Keys.UserThreads(userId), before, limit, entries => ReadThreadsAsync(userId, entries));

    /// <summary>The user's threads of <paramref name="entries"/> that still exist, in the same order; the others leave the index.</summary>
    private async Task<IReadOnlyList<(AgentThread Item, CreationCursor At)>> ReadThreadsAsync(string userId, IReadOnlyList<CreationCursor> entries)
    {
        var database = redis.GetDatabase();
        var batch = database.CreateBatch();
        var reads = entries.Select(entry => batch.HashGetAsync(Keys.Thread(entry.Id), ThreadStore.ThreadFields)).ToArray();
        batch.Execute();

        var threads = new List<(AgentThread, CreationCursor)>(entries.Count);
        var gone = new List<RedisValue>();
        for (var i = 0; i < entries.Count; i++)
        {
            // A thread of someone else cannot be in a user's index unless Redis was written by hand: never list it.
            if (ThreadStore.Read(entries[i].Id, await reads[i]) is { } thread && thread.IsOwnedBy(userId))
            {
                threads.Add((thread, entries[i]));
            }
            else
            {
                gone.Add(entries[i].Id);
            }
        }

        if (gone.Count > 0)
        {
            await database.SortedSetRemoveAsync(Keys.UserThreads(userId), gone.ToArray());
        }

        return threads;
    }
}
