using System.Globalization;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Streaming.Runs;

/// <summary>
/// Runs in Redis (a hash each, indexed per thread) and their queue jobs. A finished run's record
/// expires <c>Runs:Retention</c> after it finished; <see cref="RunIndex"/> pages the thread's runs
/// and drops entries whose record expired.
/// </summary>
public sealed class RunStore(IConnectionMultiplexer redis, IOptions<QueueOptions> queue, IOptions<RunOptions> options, TimeProvider time)
{
    /// <summary>Outcome of <see cref="BeginAttemptAsync"/>.</summary>
    public sealed record AttemptStart(string Outcome, int Attempts)
    {
        public const string Running = "running", Exhausted = "exhausted", Missing = "missing";

        public bool IsRunning => Outcome == Running;
    }

    /// <summary>Creates the run and queues its job atomically; null when <paramref name="streamId"/> is already used in the thread.</summary>
    public async Task<AgentRun?> CreateAndEnqueueAsync(string threadId, string input, string priority, string? streamId)
    {
        var runId = Ids.New("run");
        var run = new AgentRun(runId, threadId, streamId ?? runId, priority, RunStatuses.Queued, input, 0, time.GetUtcNow(), null);
        var database = redis.GetDatabase();
        // The worker's span of the run continues the trace of whatever queued it (the API's request).
        var (traceParent, traceState) = RunTracing.CaptureCurrent();
        var queued = await database.ScriptEvaluateAsync(
            RunScripts.CreateAndEnqueue,
            [
                Keys.Run(runId), Keys.ThreadRuns(threadId), Keys.Queue(queue.Value.Name, priority), Keys.Meta(run.Stream), Keys.ThreadStreams(threadId),
                Keys.Thread(threadId), Keys.Seq(run.Stream), Keys.Done(run.Stream), Keys.Log(run.Stream), Keys.Answer(run.Stream),
            ],
            [runId, threadId, run.StreamId, priority, input, run.CreatedAt.ToUnixTimeMilliseconds(), traceParent, traceState]);
        if (queued.IsNull)
        {
            return null;
        }

        // Idle workers wait on this instead of polling; one that misses it looks again within its block timeout.
        await database.PublishAsync(Channels.QueueWake(queue.Value.Name), priority, CommandFlags.FireAndForget);
        return run;
    }

    public async Task<AgentRun?> GetAsync(string runId)
    {
        var fields = await redis.GetDatabase().HashGetAllAsync(Keys.Run(runId));
        return fields.Length == 0 ? null : Read(runId, fields.ToDictionary(field => (string)field.Name!, field => field.Value));
    }

    public async Task<AttemptStart> BeginAttemptAsync(string runId, int maxAttempts)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            RunScripts.BeginAttempt, [Keys.Run(runId)], [maxAttempts, time.GetUtcNow().ToUnixTimeMilliseconds()]))!;
        return new AttemptStart((string)result[0]!, (int)result[1]);
    }

    /// <summary>
    /// Moves an unfinished run to <paramref name="status"/> (only from <paramref name="from"/> when given);
    /// false when it had already finished or was not in <paramref name="from"/>.
    /// </summary>
    public async Task<bool> TransitionAsync(string runId, string status, string? error = null, string? from = null)
    {
        var database = redis.GetDatabase();
        // The script is given its thread's keys (they expire with the thread's last run): read the thread id first; it never changes.
        if ((string?)await database.HashGetAsync(Keys.Run(runId), "threadId") is not { Length: > 0 } threadId)
        {
            return false;
        }

        return (long)await database.ScriptEvaluateAsync(
            RunScripts.Transition,
            [Keys.Run(runId), Keys.Thread(threadId), Keys.ThreadRuns(threadId), Keys.ThreadStreams(threadId)],
            [
                status, error ?? string.Empty, time.GetUtcNow().ToUnixTimeMilliseconds(), from ?? string.Empty,
                (long)options.Value.Retention.TotalMilliseconds,
            ]) == 1;
    }

    /// <summary>A run from its hash fields; a field not read (<c>input</c> when listing) reads as empty.</summary>
    internal static AgentRun Read(string runId, Dictionary<string, RedisValue> fields)
    {
        string Text(string name) => fields.TryGetValue(name, out var value) ? (string?)value ?? string.Empty : string.Empty;
        return new AgentRun(
            runId,
            Text("threadId"),
            Text("streamId"),
            Text("priority"),
            Text("status"),
            Text("input"),
            int.Parse(Text("attempts") is { Length: > 0 } attempts ? attempts : "0", CultureInfo.InvariantCulture),
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Text("createdAt") is { Length: > 0 } created ? created : "0", CultureInfo.InvariantCulture)),
            Text("error") is { Length: > 0 } error ? error : null,
            long.Parse(Text("version") is { Length: > 0 } version ? version : "1", CultureInfo.InvariantCulture));
    }
}
