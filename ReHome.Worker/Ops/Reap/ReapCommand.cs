using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using ReHome.Worker.Reaper;

namespace ReHome.Worker.Ops.Reap;

/// <summary><c>reap</c> — runs the stuck-stream reaper now, instead of waiting for a worker's next round.</summary>
internal static class ReapCommand
{
    public static Command Create()
    {
        var dryRun = OpsOptions.DryRun("aborted");
        var command = new Command("reap", "Abort streams idle longer than Reaper:IdleThreshold (their producer hung or its worker died) now.") { dryRun };
        command.SetOpsAction(async (parse, console, cancellationToken) =>
        {
            await using var ops = await OpsServices.CreateAsync(connectRedis: true, cancellationToken);
            var reaper = ops.Get<StuckStreamReaper>();
            var threshold = Durations.Format(ops.Get<IOptions<ReaperOptions>>().Value.IdleThreshold);

            if (parse.GetValue(dryRun))
            {
                var stuck = await reaper.FindAsync();
                console.Table($"Stuck streams (idle over {threshold}): {stuck.Count}", ["thread", "stream", "idle"],
                    stuck.Select(stream => (IReadOnlyList<string>)[stream.Stream.ThreadId, stream.Stream.StreamId, Durations.Format(stream.Idle)]).ToArray());
                console.Success($"Would abort {Counted.Of(stuck.Count, "stuck stream")}. Dry run: nothing was aborted.");
                return OpsExitCodes.Ok;
            }

            var aborted = await reaper.ReapAsync(dryRun: false, cancellationToken);
            console.Table($"Aborted streams (idle over {threshold}): {aborted.Count}", ["thread", "stream", "run", "last seq", "reason"],
                aborted.Select(ended => (IReadOnlyList<string>)[ended.ThreadId, ended.StreamId, ended.RunId, ended.LastSeq.ToString(CultureInfo.InvariantCulture), ended.Reason ?? string.Empty]).ToArray());
            console.Success($"Aborted {Counted.Of(aborted.Count, "stuck stream")}; their subscribers were told (agent.thread.stream.ended, status aborted).");
            return OpsExitCodes.Ok;
        });
        return command;
    }
}
