namespace ReHome.Worker.Queue;

/// <summary>Lua for the queue steps that must check and act at once.</summary>
internal static class QueueScripts
{
    /// <summary>
    /// Extends this worker's hold on a job (resets its idle time) only if this worker still holds it:
    /// a worker whose job was taken over must stop, not take it back.
    /// KEYS: queue. ARGV: group, consumer, entry id. Returns 1 when held, 0 when lost.
    /// </summary>
    public const string Keep = """
        local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        return 1
        """;
}
