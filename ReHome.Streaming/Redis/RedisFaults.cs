using StackExchange.Redis;

namespace ReHome.Streaming.Redis;

/// <summary>Which exceptions mean Redis is briefly away rather than a bug.</summary>
public static class RedisFaults
{
    // Server answers that pass by themselves: loading its data after a restart, a script running too
    // long, a replica not yet promoted, memory full (noeviction refuses writes until memory is freed).
    private static readonly string[] TransientServerErrors = ["LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN", "OOM"];

    /// <summary>Redis is away (down, restarting, failing over): the command may succeed if tried again.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        RedisCommandException => false,
        RedisServerException server => TransientServerErrors.Any(code => server.Message.StartsWith(code, StringComparison.Ordinal)),
        RedisException or TimeoutException => true,
        _ => false,
    };
}
