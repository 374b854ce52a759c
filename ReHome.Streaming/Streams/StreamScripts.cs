using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Streams;

/// <summary>
/// The Lua scripts that make each stream step atomic in Redis. Keys are passed in, never built
/// here (see <see cref="Naming.StreamNames"/>).
/// </summary>
internal static class StreamScripts
{
    /// <summary>Outcome codes of <see cref="AppendTokens"/>.</summary>
    public const long Appended = 0, AlreadyAppended = 1, StreamEnded = 2, SequenceGap = 3, EpochNeeded = 4;

    /// <summary>
    /// Appends one or more tokens (a group that queued while the stream's previous call was in flight):
    /// the next seqs (INCR), log entries <c>{seq}-0</c>, activity time, and on the first token the
    /// stream's run, its epoch and its place in the thread — all or nothing, so a group's seqs are
    /// contiguous. Each token is published on the thread's feed (<see cref="StreamFeed"/>) as it is written.
    /// With an expected seq (the producer's count for the group's first token) the call is idempotent:
    /// a retry after a timeout finds its tokens already appended — they are published again as the log
    /// holds them, never with the retry's text — and appends only the rest; an expected seq past the
    /// next one means Redis lost tokens (code 3, the producer restarts the stream).
    /// Epoch: a counter that did not exist starts a new epoch (a new stream, or one whose counter was
    /// lost — never the old epoch again); a counter a restart set to 0 keeps the restart's epoch; a
    /// meta hash that was lost gets a new epoch too. Meta fields: <see cref="Naming.StreamNames.Fields"/>.
    /// KEYS: seq, log, active, done, meta, threadStreams.
    /// ARGV: emittedAt (ms), log cap, active member, runId, streamId, now (ms), expected seq (0 = none),
    /// candidate epoch ('' when the caller expects none is needed: code 4 asks again with one, nothing written),
    /// the thread's feed channel, then the tokens in order (one or more).
    /// Returns { code, seq, epoch }: code 0, seq of the group's last token, plus how many it appended; code 1 (every token was there
    /// already), seq expected, plus the first token and its emittedAt as the log holds them (absent when
    /// the log was trimmed past it); code 3, seq what Redis holds. Epoch '' when unknown.
    /// </summary>
    public const string AppendTokens = $$"""
        if redis.call('EXISTS', KEYS[4]) == 1 then return { 2, 0, '' } end
        local first, count = 10, #ARGV - 9
        local expected = tonumber(ARGV[7])
        local held = redis.call('GET', KEYS[1])
        local current = tonumber(held or '0')
        local function publish(seq, epoch, emittedAt, text)
          redis.call('PUBLISH', ARGV[9], '{{StreamFeed.TokenKind}}\n' .. seq .. '\n' .. epoch .. '\n' .. emittedAt .. '\n' .. ARGV[4] .. '\n' .. ARGV[5] .. '\n' .. text)
        end
        local skip = 0
        if expected > 0 then
          if expected > current + 1 then return { 3, current, '' } end
          if expected <= current then
            local epoch = redis.call('HGET', KEYS[5], '{{Fields.Epoch}}') or ''
            local last = math.min(current, expected + count - 1)
            local stored = redis.call('XRANGE', KEYS[2], expected .. '-0', last .. '-0')
            for _, entry in ipairs(stored) do
              publish(string.match(entry[1], '^%d+'), epoch, entry[2][4], entry[2][2])
            end
            skip = last - expected + 1
            if skip == count then
              if stored[1] then return { 1, expected, epoch, stored[1][2][2], stored[1][2][4] } end
              return { 1, expected, epoch }
            end
          end
        end
        local epoch = redis.call('HGET', KEYS[5], '{{Fields.Epoch}}')
        if ARGV[8] == '' and ((not epoch) or (not held)) then return { 4, current, '' } end
        local seq = current
        for i = first + skip, first + count - 1 do
          seq = redis.call('INCR', KEYS[1])
          if seq == 1 then
            if (not held) or (not epoch) then epoch = ARGV[8] end
            redis.call('DEL', KEYS[2])
            redis.call('HSET', KEYS[5], '{{Fields.RunId}}', ARGV[4], '{{Fields.CreatedAt}}', ARGV[6], '{{Fields.Epoch}}', epoch)
            redis.call('PERSIST', KEYS[5])
            redis.call('ZADD', KEYS[6], ARGV[6], ARGV[5])
          elseif not epoch then
            epoch = ARGV[8]
            redis.call('HSET', KEYS[5], '{{Fields.Epoch}}', epoch)
            redis.call('HSETNX', KEYS[5], '{{Fields.RunId}}', ARGV[4])
            redis.call('PERSIST', KEYS[5])
          end
          redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', '{{LogFields.Text}}', ARGV[i], '{{LogFields.EmittedAt}}', ARGV[1])
          publish(seq, epoch, ARGV[1], ARGV[i])
        end
        redis.call('ZADD', KEYS[3], ARGV[6], ARGV[3])
        return { 0, seq, epoch, count - skip }
        """;

    /// <summary>
    /// Begins a new epoch of a stream that has not ended (live, or lost by Redis): the counter goes
    /// to 0 (the stream stays live), the log is emptied, the meta takes the new epoch and run, and the
    /// stream is active and listed in its thread again. Refuses an ended stream.
    /// KEYS: seq, log, active, done, meta, threadStreams.
    /// ARGV: epoch, runId, now (ms), active member, streamId, the thread's feed channel.
    /// Publishes the reset on the feed (<see cref="StreamFeed"/>).
    /// Returns 1 when restarted, 0 when the stream has ended.
    /// </summary>
    public const string RestartStream = $$"""
        if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
        redis.call('SET', KEYS[1], 0)
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[5], '{{Fields.RunId}}', ARGV[2], '{{Fields.Epoch}}', ARGV[1])
        redis.call('HSETNX', KEYS[5], '{{Fields.CreatedAt}}', ARGV[3])
        redis.call('PERSIST', KEYS[5])
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
        redis.call('ZADD', KEYS[6], 'NX', ARGV[3], ARGV[5])
        redis.call('PUBLISH', ARGV[6], '{{StreamFeed.ResetKind}}\n0\n' .. ARGV[1] .. '\n\n' .. ARGV[2] .. '\n' .. ARGV[5] .. '\n')
        return 1
        """;

    /// <summary>
    /// Ends a stream once: writes the done record (final seq, status, reason) with a TTL, deletes the
    /// sequence counter, lets the log and meta expire, and drops the stream from the active set.
    /// A second end (a reaper racing a completion) changes nothing and reports the first.
    /// With <c>idleBefore</c> set, it ends the stream only if it has been idle since then (the reaper).
    /// The end also keeps the stream's answer (<see cref="Naming.StreamNames.AnswerFields"/>) for the answer
    /// TTL: every token the log holds (texts and sizes, from its first held seq: a log trimmed to
    /// <c>Streaming:LogMaxLength</c> lost its head), the epoch, final seq, status, reason, end time and run — so
    /// whoever ends the stream (its worker, a cancel, the reaper) keeps what was written, in the same atomic step.
    /// Read once here, never per token; the log's entries are contiguous (seqs come from INCR, trimming takes the head).
    /// KEYS: seq, log, active, done, meta, threadStreams, answer.
    /// ARGV: status, reason, endedAt (ms), done TTL (ms), log TTL (ms), active member, runId, streamId, idleBefore (ms, 0 = always),
    /// the thread's feed channel, answer TTL (ms). The end that ends the stream is published on the feed (<see cref="StreamFeed"/>).
    /// Returns { ended (1/0), lastSeq, status, runId, epoch ('' when unknown) }.
    /// </summary>
    public const string EndStream = $$"""
        if redis.call('EXISTS', KEYS[4]) == 1 then
          local done = redis.call('HMGET', KEYS[4], '{{Fields.LastSeq}}', '{{Fields.Status}}', '{{Fields.RunId}}')
          return { 0, tonumber(done[1]), done[2], done[3] or '', redis.call('HGET', KEYS[5], '{{Fields.Epoch}}') or '' }
        end
        local idleBefore = tonumber(ARGV[9])
        if idleBefore > 0 then
          local active = redis.call('ZSCORE', KEYS[3], ARGV[6])
          if (not active) or tonumber(active) >= idleBefore then return { -1, 0, '', '', '' } end
        end
        local last = tonumber(redis.call('GET', KEYS[1]) or '0')
        local runId = redis.call('HGET', KEYS[5], '{{Fields.RunId}}') or ARGV[7]
        if runId == '' then runId = ARGV[7] end
        redis.call('HSET', KEYS[4], '{{Fields.LastSeq}}', last, '{{Fields.Status}}', ARGV[1], '{{Fields.Reason}}', ARGV[2], '{{Fields.EndedAt}}', ARGV[3],
          '{{Fields.RunId}}', runId)
        redis.call('PEXPIRE', KEYS[4], ARGV[4])
        redis.call('DEL', KEYS[1])
        redis.call('HSETNX', KEYS[5], '{{Fields.RunId}}', runId)
        redis.call('PEXPIRE', KEYS[5], ARGV[5])
        redis.call('PEXPIRE', KEYS[2], ARGV[5])
        redis.call('ZREM', KEYS[3], ARGV[6])
        redis.call('ZADD', KEYS[6], 'NX', ARGV[3], ARGV[8])
        local epoch = redis.call('HGET', KEYS[5], '{{Fields.Epoch}}') or ''
        local entries = redis.call('XRANGE', KEYS[2], '-', '+')
        local texts, sizes, firstSeq = {}, {}, 0
        for i, entry in ipairs(entries) do
          texts[i] = entry[2][2]
          sizes[i] = #entry[2][2]
        end
        if entries[1] then firstSeq = tonumber(string.match(entries[1][1], '^%d+')) end
        redis.call('DEL', KEYS[7])
        redis.call('HSET', KEYS[7], '{{AnswerFields.RunId}}', runId, '{{AnswerFields.Epoch}}', epoch, '{{AnswerFields.LastSeq}}', last,
          '{{AnswerFields.Status}}', ARGV[1], '{{AnswerFields.Reason}}', ARGV[2], '{{AnswerFields.EndedAt}}', ARGV[3],
          '{{AnswerFields.FirstSeq}}', firstSeq, '{{AnswerFields.Text}}', table.concat(texts), '{{AnswerFields.Sizes}}', table.concat(sizes, ','))
        redis.call('PEXPIRE', KEYS[7], ARGV[11])
        redis.call('PUBLISH', ARGV[10], '{{StreamFeed.EndedKind}}\n' .. last .. '\n' .. epoch .. '\n' .. ARGV[1] .. '\n' .. runId .. '\n' .. ARGV[8] .. '\n' .. ARGV[2])
        return { 1, last, ARGV[1], runId, epoch }
        """;

    /// <summary>
    /// Forgets an ended stream (its done record, log, meta and kept answer) so its id can be used again from seq 1.
    /// Refuses while the stream is live. KEYS: seq, log, done, meta, answer. Returns 1 when reset, 0 when live.
    /// </summary>
    public const string ResetStream = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        return 1
        """;

    /// <summary>Outcomes of <see cref="RemoveEnded"/>.</summary>
    public const long Removed = 1, EndedTooRecently = 0, Live = -1, NotEnded = -2;

    /// <summary>
    /// Removes an ended stream's data — end record, log and meta — only if, at this instant, it is not
    /// live and it ended at or before the cutoff. Checked and done in one step, so a stream that starts
    /// again between the scan and the removal is left alone. Its kept answer and its entry in the
    /// thread's stream index stay while the run that wrote it is kept (the answer lasts as long as its
    /// run); a stream whose run is gone, or that had none, loses them too.
    /// KEYS: done, seq, log, meta, threadStreams, answer, run (the end record's). ARGV: cutoff (Unix ms), streamId.
    /// Returns 1 removed, 0 ended after the cutoff, -1 live, -2 not ended (no end record).
    /// </summary>
    public const string RemoveEnded = $$"""
        if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
        local endedAt = tonumber(redis.call('HGET', KEYS[1], '{{Fields.EndedAt}}') or '')
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
    public const string RemoveAnswer = $$"""
        local kept = redis.call('HMGET', KEYS[1], '{{AnswerFields.RunId}}', '{{AnswerFields.EndedAt}}')
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
