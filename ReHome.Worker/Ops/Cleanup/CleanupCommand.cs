using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;

namespace ReHome.Worker.Ops.Cleanup;

/// <summary>
/// <c>cleanup</c> — removes the data of streams that ended longer ago than <c>--older-than</c> (their kept
/// answers only once their run is gone), the
/// entries of expired runs from their threads' run indexes, and dead letters older than
/// <c>Queue:DeadLetterRetention</c>.
/// </summary>
internal static class CleanupCommand
{
    private static readonly TimeSpan DefaultOlderThan = TimeSpan.FromMinutes(10);

    public static Command Create()
    {
        var olderThan = Durations.Option("--older-than", "Only streams that ended at least this long ago (0s: every ended stream).", DefaultOlderThan);
        var dryRun = OpsOptions.DryRun("removed");
        var batchSize = OpsOptions.Count("--batch-size", "Keys per SCAN page and per pipelined batch of removals.", 100, 10_000);
        var command = new Command("cleanup",
            "Remove ended streams' data (end record, log, meta; their kept answer and thread index entry once their run is gone), expired runs' thread index entries and dead letters older than Queue:DeadLetterRetention, in batches; never a live stream or run.")
        {
            olderThan, dryRun, batchSize,
        };
        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            var (age, preview) = (parse.GetValue(olderThan) ?? DefaultOlderThan, parse.GetValue(dryRun));
            await using var ops = await OpsServices.CreateAsync(connectRedis: true, cancellationToken);
            var cleaner = new EndedStreamCleaner(ops.Redis, ops.Get<StreamLog>(), ops.Get<StreamingService>(), ops.Get<TimeProvider>());

            var verb = preview ? "would remove" : "removed";
            var count = 0;
            await foreach (var stream in cleaner.RunAsync(age, preview, parse.GetValue(batchSize), cancellationToken))
            {
                count++;
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{verb} {stream.Stream.ThreadId} {stream.Stream.StreamId} ({stream.Status}, last seq {stream.LastSeq}, ended {Durations.Format(stream.EndedAgo ?? TimeSpan.Zero)} ago)"));
            }

            var answers = 0;
            await foreach (var answer in new KeptAnswerCleaner(ops.Redis, ops.Get<StreamLog>(), ops.Get<StreamingService>(), ops.Get<TimeProvider>()).RunAsync(age, preview, parse.GetValue(batchSize), cancellationToken))
            {
                answers++;
                console.Line(string.Create(CultureInfo.InvariantCulture,
                    $"{verb} the kept answer of {answer.Stream.ThreadId} {answer.Stream.StreamId} (its run {answer.RunId} is gone, ended {Durations.Format(answer.EndedAgo)} ago)"));
            }

            var entries = 0;
            await foreach (var (threadId, removed) in new RunIndexCleaner(ops.Redis, ops.Get<RunIndex>()).RunAsync(preview, parse.GetValue(batchSize), cancellationToken))
            {
                entries += removed;
                console.Line($"{verb} {Counted.Of(removed, "expired run")} from thread {threadId}'s run index");
            }

            var queue = ops.Get<IOptions<QueueOptions>>().Value;
            var deadLetters = await new DeadLetterCleaner(ops.Redis, ops.Get<TimeProvider>())
                .RunAsync(queue.Name, queue.DeadLetterRetention, preview, parse.GetValue(batchSize));
            console.Line($"{verb} {Counted.Of(entries, "expired run")} from thread run indexes and {Counted.Of(deadLetters, "dead letter")} older than {Durations.Format(queue.DeadLetterRetention)}.");

            console.Line($"{verb} {Counted.Of(answers, "kept answer")} whose run is gone.");
            var summary = $"{(preview ? "Would remove" : "Removed")} {Counted.Of(count, "ended stream")} that ended over {Durations.Format(age)} ago.";
            console.Success(preview ? summary + " Dry run: nothing was removed." : summary);
            return OpsExitCodes.Ok;
        });
        return command;
    }
}
