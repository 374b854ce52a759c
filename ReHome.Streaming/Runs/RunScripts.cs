using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>The Lua scripts that move a run through its states atomically. Keys are passed in.</summary>
internal static class RunScripts
{
    /// <summary>
    /// Creates a run and queues its job in one step, so there is never a run without a job or a job
    /// without a run. Claims the stream id in the thread (its meta key); a stream id in use (meta
    /// present, or live) is refused. A stream id is free again once its meta expired (the stream was
    /// forgotten, <c>Streaming:LogRetention</c> after it ended): the claim then also deletes what is
    /// left of the forgotten stream — its end record (<c>Streaming:EndedRetention</c> may be longer)
    /// its log and its kept answer (<c>Streaming:AnswerRetention</c>) — so the new run writes a fresh stream from
    /// seq 1 instead of inheriting the old end, and nobody reads the old run's answer as this stream's.
    /// The stream is listed in the thread at once, so a subscriber sees it before its first token.
    /// The thread, and its run and stream indexes, no longer expire while it has a run in progress
    /// (<c>openRuns</c> counts them; see <see cref="Transition"/>).
    /// KEYS: run, threadRuns, queue, streamMeta, threadStreams, thread, streamSeq, streamDone, streamLog, streamAnswer.
    /// ARGV: runId, threadId, streamId, priority, input, createdAt (ms), traceparent, tracestate
    /// (the request's trace context, <see cref="QueueFields"/>; '' when nothing was traced: the entry
    /// then has no such field).
    /// Returns the job's entry id, or false when the stream id is taken.
    /// </summary>
    public const string CreateAndEnqueue = $$"""
        if redis.call('EXISTS', KEYS[7]) == 1 then return false end
        if redis.call('HSETNX', KEYS[4], '{{Fields.RunId}}', ARGV[1]) == 0 then return false end
        redis.call('DEL', KEYS[8], KEYS[9], KEYS[10])
        redis.call('HSET', KEYS[1], 'threadId', ARGV[2], 'streamId', ARGV[3], 'priority', ARGV[4],
          'status', 'queued', 'input', ARGV[5], 'attempts', 0, 'createdAt', ARGV[6], 'version', 1)
        redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
        redis.call('ZADD', KEYS[5], ARGV[6], ARGV[3])
        if redis.call('EXISTS', KEYS[6]) == 1 then
          redis.call('HINCRBY', KEYS[6], 'openRuns', 1)
          redis.call('PERSIST', KEYS[6])
          redis.call('PERSIST', KEYS[2])
          redis.call('PERSIST', KEYS[5])
        end
        local entry = { '{{QueueFields.RunId}}', ARGV[1], '{{QueueFields.EnqueuedAt}}', ARGV[6] }
        if ARGV[7] ~= '' then
          table.insert(entry, '{{QueueFields.TraceParent}}')
          table.insert(entry, ARGV[7])
        end
        if ARGV[8] ~= '' then
          table.insert(entry, '{{QueueFields.TraceState}}')
          table.insert(entry, ARGV[8])
        end
        return redis.call('XADD', KEYS[3], '*', unpack(entry))
        """;

    /// <summary>
    /// Starts an attempt: a run that is queued or running (taken over from a dead worker) becomes
    /// running and counts one more attempt. A finished run, or one out of attempts, is left alone.
    /// KEYS: run. ARGV: max attempts, now (ms). Returns { outcome, attempts } with outcome one of
    /// running, exhausted, missing, or the run's final status.
    /// </summary>
    public const string BeginAttempt = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if not status then return { 'missing', 0 } end
        local attempts = tonumber(redis.call('HGET', KEYS[1], 'attempts') or '0')
        if status == 'completed' or status == 'failed' or status == 'cancelled' then return { status, attempts } end
        if attempts >= tonumber(ARGV[1]) then return { 'exhausted', attempts } end
        attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[2])
        return { 'running', attempts }
        """;

    /// <summary>
    /// Every change of state bumps the run's <c>version</c>, so a client can tell an update that was
    /// overtaken on its way (they are sent by different processes) from a newer one.
    /// Moves a run that has not finished to <c>ARGV[1]</c> (final, or back to queued). A finished run
    /// keeps its first final status. With <c>ARGV[4]</c> set, only a run in that status moves.
    /// On the move to a final status (which happens once per run) the run's record starts to expire
    /// (<c>Runs:Retention</c>, ARGV[5]); when it was the thread's last run in progress, the thread and
    /// its run and stream indexes expire that long after it too — the next run created keeps them again.
    /// KEYS: run, thread, threadRuns, threadStreams.
    /// ARGV: status, error, now (ms), required current status ('' = any unfinished), retention (ms).
    /// Returns 1 when it moved.
    /// </summary>
    public const string Transition = """
        local status = redis.call('HGET', KEYS[1], 'status')
        if (not status) or status == 'completed' or status == 'failed' or status == 'cancelled' then return 0 end
        if ARGV[4] ~= '' and status ~= ARGV[4] then return 0 end
        redis.call('HSET', KEYS[1], 'status', ARGV[1], 'updatedAt', ARGV[3])
        redis.call('HINCRBY', KEYS[1], 'version', 1)
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[2]) end
        if ARGV[1] == 'completed' or ARGV[1] == 'failed' or ARGV[1] == 'cancelled' then
          redis.call('HSET', KEYS[1], 'finishedAt', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[5])
          if redis.call('EXISTS', KEYS[2]) == 1 then
            local open = redis.call('HINCRBY', KEYS[2], 'openRuns', -1)
            if open <= 0 then
              -- Runs created before this count existed are not in it: never below zero.
              redis.call('HSET', KEYS[2], 'openRuns', 0)
              redis.call('PEXPIRE', KEYS[2], ARGV[5])
              redis.call('PEXPIRE', KEYS[3], ARGV[5])
              redis.call('PEXPIRE', KEYS[4], ARGV[5])
            end
          end
        end
        return 1
        """;
}
