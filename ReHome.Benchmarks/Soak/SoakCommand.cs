using System.CommandLine;

namespace ReHome.Benchmarks.Soak;

internal static class SoakCommand
{
    public static Command Create()
    {
        var connections = new Option<int>("--connections") { Description = "SignalR clients, each subscribed to one thread", DefaultValueFactory = _ => 1_000 };
        var minutes = new Option<double>("--minutes") { Description = "How long runs are queued", DefaultValueFactory = _ => 10 };
        var clientsPerThread = new Option<int>("--clients-per-thread") { Description = "Clients watching each thread", DefaultValueFactory = _ => 10 };
        var runsAtOnce = new Option<int>("--runs-at-once") { Description = "Runs streaming at the same time (queued again as each ends)", DefaultValueFactory = _ => 20 };
        var replyTokens = new Option<int>("--reply-tokens") { Description = "Tokens each run writes (Agent:Offline:ReplyTokens)", DefaultValueFactory = _ => 50 };
        var tokensPerSecond = new Option<double>("--tokens-per-second") { Description = "Pace of each run (Agent:Offline:TokensPerSecond)", DefaultValueFactory = _ => 5 };
        var apis = new Option<int>("--apis") { Description = "Api processes", DefaultValueFactory = _ => 1 };
        var workers = new Option<int>("--workers") { Description = "Worker processes", DefaultValueFactory = _ => 1 };
        var retention = new Option<int>("--retention")
        {
            Description = "Streaming:LogRetention and EndedRetention in seconds: how long Redis keeps an ended stream (the services' default, 1 h, would outlast the soak)",
            DefaultValueFactory = _ => 120,
        };
        var skipBuild = new Option<bool>("--skip-build") { Description = "Use the existing Release build of ReHome.Api and ReHome.Worker" };
        var command = new Command("soak", "Steady streams to many connections; api and worker RSS and Redis memory every 10 s, tokens lost or shown twice")
        {
            connections, minutes, clientsPerThread, runsAtOnce, replyTokens, tokensPerSecond, apis, workers, retention, skipBuild,
        };
        command.SetAction((parse, cancellation) => SoakBenchmark.RunAsync(
            new SoakOptions(
                parse.GetValue(connections),
                parse.GetValue(minutes),
                parse.GetValue(clientsPerThread),
                parse.GetValue(runsAtOnce),
                parse.GetValue(replyTokens),
                parse.GetValue(tokensPerSecond),
                parse.GetValue(apis),
                parse.GetValue(workers),
                TimeSpan.FromSeconds(parse.GetValue(retention)),
                parse.GetValue(skipBuild)),
            cancellation));
        return command;
    }
}
