using StackExchange.Redis;

namespace ReHome.Streaming.Paging;

/// <summary>One page of an index: up to the page size, newest first, and where the next (older) page starts.</summary>
public sealed record CreationPage<T>(IReadOnlyList<T> Items, CreationCursor? Next)
{
    public bool HasMore => Next is not null;
}

/// <summary>
/// Reads a sorted set of ids scored by creation time (Unix ms) newest first, a page at a time. Ids made in
/// one millisecond compare in the order they were made (<see cref="Ids.New"/>), so (score, id) orders
/// every entry and a cursor names exactly where a page stopped.
/// </summary>
public static class CreationIndex
{
    /// <summary>
    /// Up to <paramref name="limit"/> items created before <paramref name="before"/> (the newest when null),
    /// newest first. <paramref name="resolve"/> turns a batch of entries into the items that still exist,
    /// in the same order (and may drop the others from the index); the page is filled past missing ones.
    /// </summary>
    public static async Task<CreationPage<T>> ListPageAsync<T>(
        IDatabaseAsync database, RedisKey key, CreationCursor? before, int limit,
        Func<IReadOnlyList<CreationCursor>, Task<IReadOnlyList<(T Item, CreationCursor At)>>> resolve)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<(T Item, CreationCursor At)>(limit + 1);
        var position = before;
        while (found.Count <= limit)
        {
            var wanted = limit + 1 - found.Count;
            var entries = await ReadBeforeAsync(database, key, position, wanted);
            if (entries.Count == 0)
            {
                break;
            }

            found.AddRange(await resolve(entries));
            position = entries[^1];
            if (entries.Count < wanted)
            {
                break;
            }
        }

        var page = found.Take(limit).ToArray();
        return new CreationPage<T>(page.Select(entry => entry.Item).ToArray(), found.Count > limit ? page[^1].At : null);
    }

    /// <summary>Index entries strictly older than <paramref name="before"/> (by creation time, then id), newest first.</summary>
    public static async Task<IReadOnlyList<CreationCursor>> ReadBeforeAsync(IDatabaseAsync database, RedisKey key, CreationCursor? before, int count)
    {
        // Entries created in the cursor's millisecond sort by id: skip those at or after the cursor's.
        var sameMillisecond = before is { } cursor ? await database.SortedSetLengthAsync(key, cursor.CreatedAt, cursor.CreatedAt) : 0;
        var entries = await database.SortedSetRangeByScoreWithScoresAsync(
            key, start: double.NegativeInfinity, stop: before?.CreatedAt ?? double.PositiveInfinity,
            order: Order.Descending, take: count + sameMillisecond);
        return entries
            .Select(entry => new CreationCursor((long)entry.Score, (string)entry.Element!))
            .Where(entry => before is not { } at || entry.CreatedAt < at.CreatedAt || string.CompareOrdinal(entry.Id, at.Id) < 0)
            .Take(count)
            .ToArray();
    }
}
