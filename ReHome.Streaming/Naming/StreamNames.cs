using ReHome.Contracts;
using ReHome.Streaming.Streams;
using StackExchange.Redis;

namespace ReHome.Streaming.Naming;

/// <summary>
/// Every Redis key and channel, SignalR group and event name ReHome uses is built here, and
/// nowhere else. Operators rely on <c>ai:seq:*</c> (one per live stream) and <c>ai:done:*</c>
/// (recently ended streams); the rest is internal.
/// </summary>
public static class StreamNames
{
    /// <summary>The connection name of Redis in configuration (<c>ConnectionStrings:redis</c>).</summary>
    public const string RedisConnectionName = "redis";

    public static class Keys
    {
        public const string SeqPattern = "ai:seq:*";
        public const string DonePattern = "ai:done:*";
        public const string SeqPrefix = "ai:seq:";
        public const string DonePrefix = "ai:done:";

        /// <summary>Sorted set of live streams scored by their last activity (Unix ms), for the reaper.</summary>
        public const string Active = "ai:active";

        /// <summary>The stream's sequence counter; exists while the stream is live.</summary>
        public static string Seq(StreamRef stream) => SeqPrefix + stream.Key;

        /// <summary>The stream's token log (a Redis Stream whose entry ids are <c>{seq}-0</c>).</summary>
        public static string Log(StreamRef stream) => $"ai:log:{stream.Key}";

        /// <summary>The stream's end record (final seq, status, reason), expiring by itself.</summary>
        public static string Done(StreamRef stream) => DonePrefix + stream.Key;

        /// <summary>Which run writes the stream and its epoch (<see cref="Fields"/>); lives as long as the log.</summary>
        public static string Meta(StreamRef stream) => $"ai:stream:{stream.Key}";

        public const string AnswerPrefix = "ai:answer:";

        /// <summary>
        /// The stream's kept answer (<see cref="AnswerFields"/>), written once when the stream ends: its tokens'
        /// texts and boundaries, epoch, final seq and status, and its run. It outlives the log
        /// (<c>Streaming:AnswerRetention</c>, by default <c>Runs:Retention</c>), so an ended stream stays replayable.
        /// </summary>
        public static string Answer(StreamRef stream) => AnswerPrefix + stream.Key;

        public static string Thread(string threadId) => $"ai:thread:{threadId}";

        /// <summary>Stream ids of a thread, scored by creation time.</summary>
        public static string ThreadStreams(string threadId) => $"ai:thread:{threadId}:streams";

        /// <summary>Sliding window of recent client actions on a thread (the per-thread rate limit).</summary>
        public static string ThreadActions(string threadId) => $"ai:rl:thread:{threadId}";

        public static string Run(string runId) => $"ai:run:{runId}";

        /// <summary>Run ids of a thread, scored by creation time.</summary>
        public static string ThreadRuns(string threadId) => ThreadPrefix + threadId + ThreadRunsSuffix;

        public const string ThreadPrefix = "ai:thread:";
        public const string ThreadRunsSuffix = ":runs";

        /// <summary>The thread of a <see cref="ThreadRuns"/> key, or null for any other key.</summary>
        public static string? ThreadOfRunsIndex(string key) =>
            key.StartsWith(ThreadPrefix, StringComparison.Ordinal) && key.EndsWith(ThreadRunsSuffix, StringComparison.Ordinal)
            && key[ThreadPrefix.Length..^ThreadRunsSuffix.Length] is var threadId && Ids.IsValid(threadId) ? threadId : null;

        /// <summary>
        /// Thread ids of a user, scored by creation time (<c>GET /api/threads</c>). Written with the thread;
        /// entries of threads that expired (<c>Runs:Retention</c>) leave it when a listing meets them.
        /// </summary>
        public static string UserThreads(string userId) => $"ai:user:{userId}:threads";

        /// <summary>Sliding window of the threads a user created recently (the per-user creation limit).</summary>
        public static string UserThreadCreations(string userId) => $"ai:rl:user:{userId}:threads";

        /// <summary>The queue of one priority (a Redis Stream read by a consumer group).</summary>
        public static string Queue(string queueName, string priority) => $"ai:queue:{queueName}:{priority}";

        /// <summary>Jobs that used up their attempts, with the reason.</summary>
        public static string DeadLetters(string queueName) => $"ai:queue:{queueName}:dead";

        /// <summary>A user's stop request for a run.</summary>
        public static string CancelRequest(string runId) => $"ai:cancel:{runId}";

        /// <summary>The id of the latency canary's thread, shared by every worker and reused across starts.</summary>
        public const string CanaryThread = "ai:canary:thread";

        /// <summary>Held by the one worker that samples Redis-wide state for the gauges.</summary>
        public const string SamplerLease = "ai:lease:redis-sampler";

        /// <summary>A short-lived key the operators' <c>status</c> command writes and reads back (the runbook's cache test).</summary>
        public static string OpsProbe(string id) => $"ai:ops:probe:{id}";

        /// <summary>Heartbeat of one worker process, expiring when the worker stops beating.</summary>
        public static string WorkerHeartbeat(string workerId) => $"ai:worker:{workerId}";
    }

    /// <summary>
    /// Hash fields of a stream's keys — meta (<see cref="Keys.Meta"/>), end record (<see cref="Keys.Done"/>) and kept
    /// answer (<see cref="AnswerFields"/>) — named here once, for C# and the stream scripts alike.
    /// </summary>
    public static class Fields
    {
        /// <summary>Meta, done and answer: the run writing the stream.</summary>
        public const string RunId = "runId";

        /// <summary>
        /// Meta: the stream's current epoch, a random id chosen with its first token and again on every
        /// restart. A (seq, epoch) pair names one token; the same seq under another epoch is another token.
        /// </summary>
        public const string Epoch = "epoch";

        /// <summary>Meta: when the stream's first token (or its restart) was written (Unix ms).</summary>
        public const string CreatedAt = "createdAt";

        /// <summary>Done and answer: the final seq, the end status (<see cref="StreamStatuses"/>) and its reason ('' for none).</summary>
        public const string LastSeq = "lastSeq", Status = "status", Reason = "reason";

        /// <summary>Done and answer: when the stream ended (Unix ms).</summary>
        public const string EndedAt = "endedAt";
    }

    /// <summary>Fields of an entry of a stream's log (<see cref="Keys.Log"/>): the token's text and its emittedAt (Unix ms).</summary>
    public static class LogFields
    {
        public const string Text = "t", EmittedAt = "e";
    }

    /// <summary>
    /// Fields of a queue entry (<see cref="Keys.Queue"/>): the run, when it was queued (Unix ms), and the
    /// W3C trace context of the request that queued it, under the header names the propagator
    /// (<see cref="System.Diagnostics.DistributedContextPropagator"/>) reads and writes, so the worker's
    /// span of the run continues the request's trace (absent when nothing was traced).
    /// </summary>
    public static class QueueFields
    {
        public const string RunId = "runId";
        public const string EnqueuedAt = "enqueuedAt";
        public const string TraceParent = "traceparent";
        public const string TraceState = "tracestate";
    }

    /// <summary>
    /// Fields of a dead-letter entry (<see cref="Keys.DeadLetters"/>): the run, its priority, why it was
    /// given up, after how many attempts, when (Unix ms), and the queue entry's trace context, so an
    /// operator can open the run's trace from the dead letter.
    /// </summary>
    public static class DeadLetterFields
    {
        public const string RunId = QueueFields.RunId;
        public const string Priority = "priority";
        public const string Reason = "reason";
        public const string Attempts = "attempts";
        public const string FailedAt = "failedAt";
        public const string TraceParent = QueueFields.TraceParent;
        public const string TraceState = QueueFields.TraceState;
    }

    /// <summary>Hash fields of <see cref="Keys.Answer"/>, as <see cref="Streams.StreamScripts.EndStream"/> writes them.</summary>
    public static class AnswerFields
    {
        public const string RunId = Fields.RunId, Epoch = Fields.Epoch, LastSeq = Fields.LastSeq, Status = Fields.Status, Reason = Fields.Reason,
            EndedAt = Fields.EndedAt;

        /// <summary>The seq of the first token kept: 1, or later when the log had lost its head (<c>Streaming:LogMaxLength</c>); 0 for no token.</summary>
        public const string FirstSeq = "firstSeq";

        /// <summary>The tokens' texts, one after another (UTF-8), and their sizes in bytes, comma-separated, in seq order.</summary>
        public const string Text = "text", Sizes = "sizes";
    }

    public static class Channels
    {
        /// <summary>Published with a run id when a user asks to stop that run.</summary>
        public static readonly RedisChannel CancelRequests = RedisChannel.Literal("ai:cancel");

        /// <summary>
        /// A thread's stream events, published by the stream scripts with each write (<see cref="Streams.StreamFeed"/>);
        /// each API replica listens to the threads its own connections subscribe to.
        /// </summary>
        public static RedisChannel ThreadFeed(string threadId) => RedisChannel.Literal(ThreadFeedName(threadId));

        /// <summary>The name of <see cref="ThreadFeed"/>, as the scripts take it.</summary>
        public static string ThreadFeedName(string threadId) => $"ai:feed:{threadId}";

        /// <summary>Published when a job is queued, so idle workers take it at once.</summary>
        public static RedisChannel QueueWake(string queueName) => RedisChannel.Literal($"ai:queue:{queueName}:wake");
    }

    public static class Groups
    {
        /// <summary>The SignalR group of a thread's subscribers.</summary>
        public static string Thread(string threadId) => $"agent.thread.{threadId}";
    }

    /// <summary>The hub's events; their names are the contract's (<see cref="HubContract.Events"/>).</summary>
    public static class Events
    {
        public const string Token = HubContract.Events.Token;
        public const string StreamEnded = HubContract.Events.StreamEnded;
        public const string RunUpdated = HubContract.Events.RunUpdated;
        public const string StreamReset = HubContract.Events.StreamReset;
        public const string Resync = HubContract.Events.Resync;
    }
}
