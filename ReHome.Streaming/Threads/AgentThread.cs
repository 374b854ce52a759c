namespace ReHome.Streaming.Threads;

/// <summary>A conversation, owned by one user.</summary>
public sealed record AgentThread(string Id, string OwnerId, string? Title, DateTimeOffset CreatedAt)
{
    public bool IsOwnedBy(string userId) => string.Equals(OwnerId, userId, StringComparison.Ordinal);
}
