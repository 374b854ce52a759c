using System.CommandLine;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Streams;
using ReHome.Worker.Reaper;

namespace ReHome.Worker.Ops.Streams;

/// <summary>
/// <c>streams</c> — the runbook's <c>--scan --pattern "ai:seq:*"</c> and <c>"ai:done:*"</c>, with what
/// each key means: live streams with their last seq and idle time, recently ended ones with status
/// and expiry, and stuck ones (idle longer than the reaper allows).
/// </summary>
internal static class StreamsCommand
{
    public static Command Create()
    {
        var limit = OpsOptions.Limit(20, "streams");
        var command = new Command("streams", "Live streams (ai:seq:*), recently ended ones (ai:done:*) and stuck ones, with their ages.") { limit };
        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            var rows = parse.GetValue(limit);
            await using var ops = await OpsServices.CreateAsync(connectRedis: true, cancellationToken);
            var inventory = new StreamInventory(ops.Redis, ops.Get<StreamLog>(), ops.Get<TimeProvider>());
            var threshold = ops.Get<IOptions<ReaperOptions>>().Value.IdleThreshold;

            var live = (await inventory.LiveAsync(cancellationToken)).OrderByDescending(stream => stream.Idle ?? TimeSpan.MaxValue).ToArray();
            var ended = (await inventory.EndedAsync(cancellationToken)).OrderBy(stream => stream.EndedAgo ?? TimeSpan.MaxValue).ToArray();
            var stuck = await ops.Get<StuckStreamReaper>().FindAsync();

            console.Table($"Live streams: {live.Length}{More(live.Length, rows)}", ["thread", "stream", "run", "last seq", "idle"],
                live.Take(rows).Select(stream => Row(stream.Stream.ThreadId, stream.Stream.StreamId, stream.RunId ?? "-", stream.LastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), Age(stream.Idle))).ToArray());
            console.Table($"Recently ended streams: {ended.Length}{More(ended.Length, rows)}", ["thread", "stream", "status", "last seq", "ended", "expires in"],
                ended.Take(rows).Select(stream => Row(stream.Stream.ThreadId, stream.Stream.StreamId, stream.Status, stream.LastSeq.ToString(System.Globalization.CultureInfo.InvariantCulture), Age(stream.EndedAgo) + " ago", Age(stream.ExpiresIn))).ToArray());
            console.Table($"Stuck streams (idle over {Durations.Format(threshold)}, Reaper:IdleThreshold): {stuck.Count}{More(stuck.Count, rows)}", ["thread", "stream", "idle"],
                stuck.Take(rows).Select(stream => Row(stream.Stream.ThreadId, stream.Stream.StreamId, Age(stream.Idle))).ToArray());

            if (stuck.Count > 0)
            {
                console.Warning($"{Counted.Of(stuck.Count, "stuck stream")}: the reaper aborts them within Reaper:Interval, or run `reap` now.");
            }

            return OpsExitCodes.Ok;
        });
        return command;
    }

    private static string[] Row(params string[] cells) => cells;

    private static string Age(TimeSpan? age) => age is { } value ? Durations.Format(value) : "-";

    private static string More(int count, int shown) => count > shown ? $" (the first {shown}; --limit for more)" : string.Empty;
}
