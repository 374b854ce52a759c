namespace ReHome.Worker.Ops.Cleanup;

/// <summary>The cleanup's one Redis step per stream; keys are passed in (see <c>StreamNames</c>).</summary>
internal static class CleanupScripts
{
    public const long Removed = 1, EndedTooRecently = 0, Live = -1, NotEnded = -2;

    /// <summary>
    /// Removes an ended stream's data — end record, log, meta and its entry in the thread's stream
    /// index — only if, at this instant, it is not live and it ended at or before the cutoff. Checked
    /// and done in one step, so a stream that starts again between the scan and the removal is left alone.
    /// KEYS: done, seq, log, meta, threadStreams. ARGV: cutoff (Unix ms), streamId.
    /// </summary>
    public const string RemoveEnded = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
        local endedAt = tonumber(redis.call('HGET', KEYS[1], 'endedAt') or '')
        if not endedAt then return -2 end
        if endedAt > tonumber(ARGV[1]) then return 0 end
        redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
        redis.call('ZREM', KEYS[5], ARGV[2])
        return 1
        """;
}
