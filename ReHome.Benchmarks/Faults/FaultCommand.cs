using System.CommandLine;

namespace ReHome.Benchmarks.Faults;

internal static class FaultCommand
{
    public static Command Create()
    {
        var streams = new Option<int>("--streams") { Description = "Concurrent streams (runs, one thread each) per scenario", DefaultValueFactory = _ => 50 };
        var clients = new Option<int>("--clients-per-stream") { Description = "Clients watching each stream, spread over both apis", DefaultValueFactory = _ => 2 };
        var scenarios = new Option<string[]>("--scenarios")
        {
            Description = $"Scenarios to run, comma-separated (default all): {string.Join(", ", FaultScenario.All.Select(scenario => scenario.Name))}",
            AllowMultipleArgumentsPerToken = true,
        };
        var replyTokens = new Option<int>("--reply-tokens") { Description = "Tokens each run writes (Agent:Offline:ReplyTokens)", DefaultValueFactory = _ => 60 };
        var tokensPerSecond = new Option<double>("--tokens-per-second") { Description = "Pace of each run (Agent:Offline:TokensPerSecond)", DefaultValueFactory = _ => 4 };
        var visibility = new Option<int>("--visibility-timeout") { Description = "Queue:VisibilityTimeout in seconds (a dead worker's runs are taken over after it)", DefaultValueFactory = _ => 10 };
        var skipBuild = new Option<bool>("--skip-build") { Description = "Use the existing Release build of ReHome.Api and ReHome.Worker" };
        var command = new Command("faults", "Kills and Redis outages during concurrent streams: tokens lost, shown twice, runs not completed, clients told of a reset")
        {
            streams, clients, scenarios, replyTokens, tokensPerSecond, visibility, skipBuild,
        };
        command.SetAction((parse, cancellation) => FaultBenchmark.RunAsync(
            new FaultOptions(
                parse.GetValue(streams),
                parse.GetValue(clients),
                [.. (parse.GetValue(scenarios) ?? []).SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                parse.GetValue(replyTokens),
                parse.GetValue(tokensPerSecond),
                TimeSpan.FromSeconds(parse.GetValue(visibility)),
                parse.GetValue(skipBuild)),
            cancellation));
        return command;
    }
}
