using Microsoft.Extensions.Options;
using ReHome.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Worker.Reaper;

/// <summary>
/// Finds live streams idle longer than the threshold (producer hung, worker killed) and aborts them:
/// status <c>aborted</c> with the reason, <c>ai:seq</c> gone, subscribers told. Safe with many workers
/// reaping at once: each abort checks the stream is still idle and still live in the same Redis step.
/// </summary>
/// <remarks>
/// A stream written by a run that has not finished is the queue's, not the reaper's: while its worker
/// lives, the worker's lease keeps the stream active; when the worker died or stopped, the job waits
/// to be taken over (a dead worker's after the visibility timeout, a handed-back one at the next free
/// slot) and the run resumes its stream. Aborting it would fail a run that was about to resume.
/// </remarks>
internal sealed partial class StuckStreamReaper(
    IConnectionMultiplexer redis,
    StreamingService streaming,
    StreamLog streams,
    RunStore runs,
    IOptions<ReaperOptions> options, TimeProvider time, StreamingMetrics metrics, ILogger<StuckStreamReaper> logger)
{
    public sealed record StuckStream(StreamRef Stream, TimeSpan Idle);

    /// <summary>Live streams idle longer than the threshold whose run (if any) has finished or is gone, longest idle first.</summary>
    public async Task<IReadOnlyList<StuckStream>> FindAsync()
    {
        var now = time.GetUtcNow();
        var idleBefore = now - options.Value.IdleThreshold;
        var entries = await redis.GetDatabase().SortedSetRangeByScoreWithScoresAsync(Keys.Active, double.NegativeInfinity, idleBefore.ToUnixTimeMilliseconds());
        var idle = entries
            .Select(entry => StreamRef.TryParseKey((string)entry.Element!, out var stream)
                ? new StuckStream(stream, now - DateTimeOffset.FromUnixTimeMilliseconds((long)entry.Score))
                : null)
            .OfType<StuckStream>()
            .ToArray();

        // The writers of every candidate in one round trip; then the run of each that has one.
        var states = await streams.GetStatesAsync(idle.Select(candidate => candidate.Stream));
        var stuck = new List<StuckStream>(idle.Length);
        for (var i = 0; i < idle.Length; i++)
        {
            if (!await IsAwaitingItsRunAsync(states[i]))
            {
                stuck.Add(idle[i]);
            }
        }

        return stuck;
    }

    /// <summary>True when the stream's run has not finished: the queue resumes it (see the remarks).</summary>
    private async Task<bool> IsAwaitingItsRunAsync(StreamState state) =>
        state.RunId is { Length: > 0 } runId
        && await runs.GetAsync(runId) is { } run
        && run.Stream == state.Stream
        && !RunStatuses.IsFinal(run.Status);

    /// <summary>Aborts every stuck stream (or only lists them with <paramref name="dryRun"/>); returns those this call aborted.</summary>
    public async Task<IReadOnlyList<StreamEndedEvent>> ReapAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var stuck = await FindAsync();
        if (dryRun)
        {
            return stuck.Select(s => new StreamEndedEvent(s.Stream.ThreadId, string.Empty, s.Stream.StreamId, 0, StreamStatuses.Aborted, "dry run")).ToArray();
        }

        var idleBefore = time.GetUtcNow() - options.Value.IdleThreshold;
        var reaped = new List<StreamEndedEvent>();
        foreach (var candidate in stuck)
        {
            var reason = $"no activity for {Math.Round(candidate.Idle.TotalSeconds)} s: the producer hung or its worker died";
            if (await streaming.AbortIfIdleAsync(candidate.Stream, idleBefore, reason, cancellationToken) is { } aborted)
            {
                reaped.Add(aborted);
                metrics.StreamReaped();
                Log.Reaped(logger, candidate.Stream.Key, aborted.LastSeq, candidate.Idle);
            }
        }

        return reaped;
    }

    private static partial class Log
    {
        [LoggerMessage(320, LogLevel.Warning, "Reaper: aborted stream {Stream} at seq {LastSeq} after {Idle} without activity")]
        public static partial void Reaped(ILogger logger, string stream, long lastSeq, TimeSpan idle);
    }
}
