using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

/// <summary>Which exceptions mean Redis is briefly away rather than a bug.</summary>
public static class RedisFaults
{
    /// <summary>Redis is away (down, restarting, failing over): the command may succeed if tried again.</summary>
    public static bool IsTransient(Exception e) => e is RedisException or TimeoutException;
}
