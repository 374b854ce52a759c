using ReHome.Streaming.Contracts;
using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Threads;

/// <summary>Threads in Redis (a hash each, with the owner), and the streams written in them.</summary>
public sealed class ThreadStore(IConnectionMultiplexer redis, StreamLog streams, TimeProvider time)
{
    public const int MaxTitleLength = 200;

    public async Task<AgentThread> CreateAsync(string ownerId, string? title)
    {
        var thread = new AgentThread(Ids.New("thr"), ownerId, string.IsNullOrWhiteSpace(title) ? null : title, time.GetUtcNow());
        await redis.GetDatabase().HashSetAsync(Keys.Thread(thread.Id),
        [
            new("ownerId", thread.OwnerId),
            new("title", thread.Title ?? string.Empty),
            new("createdAt", thread.CreatedAt.ToUnixTimeMilliseconds()),
        ]);
        return thread;
    }

    public async Task<AgentThread?> GetAsync(string threadId)
    {
        var fields = await redis.GetDatabase().HashGetAsync(Keys.Thread(threadId), ["ownerId", "title", "createdAt"]);
        if (fields[0].IsNull)
        {
            return null;
        }

        return new AgentThread(
            threadId,
            fields[0]!,
            fields[1].IsNullOrEmpty ? null : (string?)fields[1],
            DateTimeOffset.FromUnixTimeMilliseconds((long)fields[2]));
    }

    /// <summary>The thread when it exists and belongs to <paramref name="userId"/>; null otherwise — callers answer both the same way.</summary>
    public async Task<AgentThread?> GetOwnedAsync(string threadId, string userId) =>
        await GetAsync(threadId) is { } thread && thread.IsOwnedBy(userId) ? thread : null;

    /// <summary>The thread's streams that Redis still knows, oldest first; forgotten ones are dropped from the index.</summary>
    public async Task<IReadOnlyList<StreamSummary>> ListStreamsAsync(string threadId)
    {
        var database = redis.GetDatabase();
        var streamIds = await database.SortedSetRangeByRankAsync(Keys.ThreadStreams(threadId));
        var states = await streams.GetStatesAsync(streamIds.Select(id => new StreamRef(threadId, id!)));

        var forgotten = states.Where(state => state.Status == StreamStatuses.Unknown && state.RunId is null).ToArray();
        if (forgotten.Length > 0)
        {
            await database.SortedSetRemoveAsync(Keys.ThreadStreams(threadId), forgotten.Select(state => (RedisValue)state.Stream.StreamId).ToArray());
        }

        return states
            .Except(forgotten)
            .Select(state => new StreamSummary(state.RunId ?? string.Empty, state.Stream.StreamId, state.Status, state.LastSeq, state.Epoch))
            .ToArray();
    }
}
