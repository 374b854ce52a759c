namespace ReHome.Worker.Ops.Cleanup;

/// <summary>The cleanup's one Redis step per stream; keys are passed in (see <c>StreamNames</c>).</summary>
internal static class CleanupScripts
{
    public const long Removed = 1, EndedTooRecently = 0, Live = -1, NotEnded = -2;

    /// <summary>
    /// Removes an ended stream's data — end record, log and meta — only if, at this instant, it is not
    /// live and it ended at or before the cutoff. Checked and done in one step, so a stream that starts
    /// again between the scan and the removal is left alone. Its kept answer and its entry in the
    /// thread's stream index stay while the run that wrote it is kept (the answer lasts as long as its
    /// run); a stream whose run is gone, or that had none, loses them too.
    /// KEYS: done, seq, log, meta, threadStreams, answer, run (the end record's). ARGV: cutoff (Unix ms), streamId.
    /// </summary>
    public const string RemoveEnded = """
        if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
        local endedAt = tonumber(redis.call('HGET', KEYS[1], 'endedAt') or '')
        if not endedAt then return -2 end
        if endedAt > tonumber(ARGV[1]) then return 0 end
        redis.call('DEL', KEYS[1], KEYS[3], KEYS[4])
        if redis.call('EXISTS', KEYS[7]) == 0 then
          redis.call('DEL', KEYS[6])
          redis.call('ZREM', KEYS[5], ARGV[2])
        end
        return 1
        """;

    /// <summary>
    /// Removes a stream's kept answer once the run that wrote it is gone (<c>Runs:Retention</c>, or a stream
    /// written without a run), if it ended at or before the cutoff and is still that run's answer; and the
    /// stream's entry in the thread's index unless the stream id is in use again (live, or ended recently).
    /// KEYS: answer, run, seq, done, threadStreams. ARGV: cutoff (Unix ms), streamId, runId (as read before).
    /// Returns 1 when removed.
    /// </summary>
    public const string RemoveAnswer = """
        local kept = redis.call('HMGET', KEYS[1], 'runId', 'endedAt')
        if (not kept[1]) or kept[1] ~= ARGV[3] then return 0 end
        if tonumber(kept[2] or '0') > tonumber(ARGV[1]) then return 0 end
        if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
        redis.call('DEL', KEYS[1])
        if redis.call('EXISTS', KEYS[3]) == 0 and redis.call('EXISTS', KEYS[4]) == 0 then
          redis.call('ZREM', KEYS[5], ARGV[2])
        end
        return 1
        """;
}
