using ReHome.Contracts;
using ReHome.Streaming.Streams;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Threads;

/// <summary>Threads in Redis (a hash each, with the owner), and the streams written in them.</summary>
public sealed class ThreadStore(IConnectionMultiplexer redis, StreamLog streams, TimeProvider time)
{
    public const int MaxTitleLength = 200;

    /// <summary>The thread hash's fields that make an <see cref="AgentThread"/>, in the order <see cref="Read"/> takes them.</summary>
    internal static readonly RedisValue[] ThreadFields = ["ownerId", "title", "createdAt"];

    /// <summary>Creates the thread and adds it to its owner's index (<see cref="ThreadIndex"/>) in one transaction.</summary>
    public async Task<AgentThread> CreateAsync(string ownerId, string? title)
    {
        var thread = new AgentThread(Ids.New("thr"), ownerId, string.IsNullOrWhiteSpace(title) ? null : title, time.GetUtcNow());
        var createdAt = thread.CreatedAt.ToUnixTimeMilliseconds();
        var transaction = redis.GetDatabase().CreateTransaction();
        var written = transaction.HashSetAsync(Keys.Thread(thread.Id),
        [
            new(ThreadFields[0], thread.OwnerId),
            new(ThreadFields[1], thread.Title ?? string.Empty),
            new(ThreadFields[2], createdAt),
        ]);
        var indexed = transaction.SortedSetAddAsync(Keys.UserThreads(ownerId), thread.Id, createdAt);
        await transaction.ExecuteAsync();
        await Task.WhenAll(written, indexed);
        return thread;
    }

    public async Task<AgentThread?> GetAsync(string threadId) =>
        Read(threadId, await redis.GetDatabase().HashGetAsync(Keys.Thread(threadId), ThreadFields));

    /// <summary>A thread from its <see cref="ThreadFields"/>; null when it does not exist.</summary>
    internal static AgentThread? Read(string threadId, RedisValue[] fields) =>
        fields[0].IsNull
            ? null
            : new AgentThread(
                threadId,
                fields[0]!,
                fields[1].IsNullOrEmpty ? null : (string?)fields[1],
                DateTimeOffset.FromUnixTimeMilliseconds((long)fields[2]));

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
