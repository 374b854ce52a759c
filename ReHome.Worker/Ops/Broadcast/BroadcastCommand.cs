using System.CommandLine;
using System.Globalization;
using ReHome.Streaming;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Threads;

namespace ReHome.Worker.Ops.Broadcast;

/// <summary>
/// <c>broadcast &lt;threadId&gt; &lt;text&gt;</c> — the runbook's tinker broadcast, as a real token: a
/// one-token stream through <c>StreamingService</c> (seq 1, in the log, then completed), so clients
/// show it exactly as they show a model's output.
/// </summary>
internal static class BroadcastCommand
{
    public static Command Create()
    {
        var threadId = new Argument<string>("threadId") { Description = "The thread whose subscribers get the event." };
        var text = new Argument<string>("text") { Description = "The token's text." };
        var streamId = new Option<string?>("--stream-id")
        {
            // A fresh id each time: clients remember each stream's last seq, so a second broadcast
            // on a reused id would restart at seq 1 and be dropped as already shown by an open page.
            Description = "The stream to write (default: ops-broadcast-<time>, new each time); reset first if it has ended.",
        };
        var runId = new Option<string>("--run-id") { Description = "The run id the token carries.", DefaultValueFactory = _ => "ops-broadcast" };
        var command = new Command("broadcast", "Send a test token to a thread's subscribers through the real pipeline and print its seq.") { threadId, text, streamId, runId };
        command.Validators.Add(result =>
        {
            foreach (var (name, id) in new[] { ("threadId", result.GetValue(threadId)), ("--stream-id", result.GetValue(streamId)), ("--run-id", result.GetValue(runId)) })
            {
                if (id is not null && !Ids.IsValid(id))
                {
                    result.AddError($"{name} '{id}' is not a valid id: ids match {Ids.Pattern}.");
                }
            }
        });

        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            await using var ops = await OpsServices.CreateAsync(connectRedis: true, cancellationToken);
            var thread = await ops.Get<ThreadStore>().GetAsync(parse.GetValue(threadId)!)
                ?? throw new OpsFailure($"Thread {parse.GetValue(threadId)} does not exist.");
            var time = ops.Get<TimeProvider>();
            var stream = new StreamRef(thread.Id, parse.GetValue(streamId) ?? $"ops-broadcast-{time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}");
            var run = parse.GetValue(runId)!;

            var streaming = ops.Get<StreamingService>();
            if (!await streaming.ResetAsync(stream))
            {
                throw new OpsFailure($"Stream {stream.StreamId} of thread {thread.Id} is live; pass another --stream-id.");
            }

            var token = await streaming.StreamTokenAsync(stream, run, parse.GetValue(text)!, expectedSeq: 1, cancellationToken);
            var ended = await streaming.CompleteAsync(stream, run, cancellationToken);
            console.Success(string.Create(CultureInfo.InvariantCulture,
                $"Broadcast to thread {thread.Id}: stream {stream.StreamId}, seq {token.Seq}, then the stream ended {ended.Status} at seq {ended.LastSeq}."));
            return OpsExitCodes.Ok;
        });
        return command;
    }
}
