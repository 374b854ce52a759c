using System.CommandLine;
using System.Globalization;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Load;

internal static class LoadCommand
{
    public static Command Create()
    {
        var shapes = List("--shapes", $"Shapes to run, comma-separated: {string.Join(", ", LoadShape.Names)} (i 1×1 @200, ii 100×1 @50, iii 10×100 @20, iv-a 100×1 ramp, iv-b 10×100 ramp)", LoadShape.Names);
        var stacks = List("--stacks", "Stacks, comma-separated: rehome (ReHome's api + worker), socketio (the perfpeer socket.io + Redis adapter peer)", LoadOptions.AllStacks);
        var warmup = new Option<double>("--warmup") { Description = "Seconds of each step before the window (--quick: 2)", DefaultValueFactory = _ => 3 };
        var measure = new Option<double>("--measure") { Description = "Seconds of the window of shapes i, ii, iii (--quick: 5)", DefaultValueFactory = _ => 10 };
        var rampMeasure = new Option<double>("--ramp-measure") { Description = "Seconds of the window of each ramp step (--quick: 4)", DefaultValueFactory = _ => 6 };
        var rampA = List("--ramp-a", "Tokens/s per thread of iv-a's steps (100 threads × 1 client)", ["50", "100", "150", "200", "250", "300", "350", "400", "500", "600", "800"]);
        var rampB = List("--ramp-b", "Tokens/s per thread of iv-b's steps (10 threads × 100 clients)", ["20", "30", "40", "50", "60", "80", "120"]);
        var clientProcesses = new Option<int>("--client-procs") { Description = "Load-client processes per step (connections split over them)", DefaultValueFactory = _ => 2 };
        var p99Limit = new Option<double>("--p99-limit-ms") { Description = "A ramp step meets the goal with p99 at most this (and 0 lost, producer ≥ 99 %)", DefaultValueFactory = _ => 50 };
        var budget = new Option<double>("--budget-minutes") { Description = "No step is started that would end after this (the whole run stays under it)", DefaultValueFactory = _ => 19 };
        var quick = new Option<bool>("--quick") { Description = "Short windows (warm-up 2 s, window 5 s, ramp window 4 s) unless given" };
        var perfPeer = new Option<string>("--perfpeer")
        {
            Description = "The perfpeer folder to copy (read-only; copied to a temp folder and npm ci there)",
            DefaultValueFactory = _ => Path.GetFullPath(Path.Combine(ServiceBuild.RepositoryRoot(), "..", "shared", "perfpeer")),
        };
        var skipBuild = new Option<bool>("--skip-build") { Description = "Use the existing Release build of ReHome.Api and ReHome.Worker" };
        var command = new Command(
            "load",
            "ReHome (REST run → queue → worker → StreamingService → backplane → api → SignalR) against the socket.io peer: latency, deliveries/s, lost, CPU, RSS, ramp knees, ratios")
        {
            shapes, stacks, warmup, measure, rampMeasure, rampA, rampB, clientProcesses, p99Limit, budget, quick, perfPeer, skipBuild,
        };
        command.SetAction((parse, cancellation) =>
        {
            var isQuick = parse.GetValue(quick);
            double Seconds(Option<double> option, double quickValue) => isQuick && parse.GetResult(option) is null or { Implicit: true } ? quickValue : parse.GetValue(option);
            return LoadBenchmark.RunAsync(
                new LoadOptions(
                    Values(parse.GetValue(shapes)),
                    Values(parse.GetValue(stacks)),
                    Seconds(warmup, 2),
                    Seconds(measure, 5),
                    Seconds(rampMeasure, 4),
                    [.. Values(parse.GetValue(rampA)).Select(value => int.Parse(value, CultureInfo.InvariantCulture))],
                    [.. Values(parse.GetValue(rampB)).Select(value => int.Parse(value, CultureInfo.InvariantCulture))],
                    parse.GetValue(clientProcesses),
                    parse.GetValue(p99Limit),
                    parse.GetValue(budget),
                    parse.GetValue(perfPeer)!,
                    parse.GetValue(skipBuild)),
                cancellation);
        });
        return command;
    }

    private static Option<string[]> List(string name, string description, IReadOnlyList<string> defaults) => new(name)
    {
        Description = description,
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [string.Join(',', defaults)],
    };

    private static string[] Values(string[]? values) =>
        [.. (values ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
}
