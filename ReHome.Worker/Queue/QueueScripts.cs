namespace ReHome.Worker.Queue;

/// <summary>Lua for the queue steps that must check and act at once.</summary>
internal static class QueueScripts
{
    /// <summary>
    /// Extends this worker's hold on a job (resets its idle time) only if this worker still holds it:
    /// a worker whose job was taken over must stop, not take it back. A held job's stream is marked
    /// active too, so the reaper leaves a stream alone while its worker lives (a paused stream, a
    /// provider thinking before its first token).
    /// A queue or group that is gone (Redis lost its data) means the job is lost too.
    /// KEYS: queue, active streams. ARGV: group, consumer, entry id, active member, now (ms).
    /// Returns 1 when held, 0 when lost.
    /// </summary>
    public const string Keep = """
        local ok, pending = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
        if (not ok) or #pending == 0 or pending[1][2] ~= ARGV[2] then return 0 end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        redis.call('ZADD', KEYS[2], 'XX', ARGV[5], ARGV[4])
        return 1
        """;

    /// <summary>
    /// Takes over the oldest job whose worker stopped confirming it (idle at least the visibility
    /// timeout). XPENDING's IDLE filter looks at the whole pending list in one call — XAUTOCLAIM
    /// would scan only a few entries per call, missing a dead worker's job behind many live ones.
    /// Entries deleted meanwhile are dropped from the pending list. This worker's own jobs are skipped:
    /// it is working on them (Redis was away, so it could not confirm them), not dead.
    /// KEYS: queue. ARGV: group, consumer, min idle (ms).
    /// Returns { id, { field, value, … } } or false when no job is stale.
    /// </summary>
    public const string TakeOver = """
        local stale = redis.call('XPENDING', KEYS[1], ARGV[1], 'IDLE', ARGV[3], '-', '+', 100)
        for _, entry in ipairs(stale) do
          if entry[2] ~= ARGV[2] then
            local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], entry[1])
            if claimed[1] then return claimed[1] end
            redis.call('XACK', KEYS[1], ARGV[1], entry[1])
          end
        end
        return false
        """;

    /// <summary>
    /// Hands a job back (this worker is stopping) without moving it to the tail of the queue: it stays
    /// pending, given to the <c>handed-back</c> consumer with an idle time of the visibility timeout,
    /// so the next worker with a free slot takes it over before any new job of its priority.
    /// KEYS: queue. ARGV: group, consumer it is handed to, entry id, idle (ms).
    /// </summary>
    public const string HandBack = """
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'IDLE', ARGV[4], 'JUSTID')
        return 1
        """;

    /// <summary>
    /// Removes consumers that hold no job and have not read for <c>ARGV[2]</c> ms — names of workers
    /// long gone (every worker start has a name of its own). A live worker reads every block timeout.
    /// KEYS: queue. ARGV: group, idle (ms). Returns how many were removed.
    /// </summary>
    public const string RemoveIdleConsumers = """
        if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
        local removed = 0
        local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
        if not ok then return 0 end
        for _, consumer in ipairs(consumers) do
          local info = {}
          for i = 1, #consumer, 2 do info[consumer[i]] = consumer[i + 1] end
          if tonumber(info['pending']) == 0 and tonumber(info['idle']) >= tonumber(ARGV[2]) then
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
            removed = removed + 1
          end
        end
        return removed
        """;
}
