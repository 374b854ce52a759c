using System.CommandLine;
using ReHome.Benchmarks;
using ReHome.Benchmarks.Faults;
using ReHome.Benchmarks.Load;
using ReHome.Benchmarks.Soak;

var tokens = new Option<int>("--tokens") { Description = "Tokens per phase", DefaultValueFactory = _ => 10_000 };
var rates = new Option<int[]>("--rates")
{
    Description = "Target emit rates in tokens per second, one phase each; 0 = as fast as possible",
    DefaultValueFactory = _ => [1_000, 0],
    AllowMultipleArgumentsPerToken = true,
};
var noProxy = new Option<bool>("--no-proxy") { Description = "Connect to the api directly, not through the AppHost's local proxy (production has none)" };
var streaming = new Command("streaming", "Emit-to-receive latency and delivered tokens/s through the real path to one subscribed client") { tokens, rates, noProxy };
streaming.SetAction((parse, cancellation) => StreamingBenchmark.RunAsync(parse.GetValue(tokens), parse.GetValue(rates)!, parse.GetValue(noProxy), cancellation));

var runCount = new Option<int>("--runs") { Description = "Runs to queue", DefaultValueFactory = _ => 200 };
var concurrency = new Option<int>("--concurrency") { Description = "Runs the worker generates at once (Queue:Concurrency)", DefaultValueFactory = _ => 8 };
var tokensPerRun = new Option<int>("--tokens-per-run") { Description = "Tokens each run writes", DefaultValueFactory = _ => 50 };
var runs = new Command("runs", "Runs per second through the queue and tokens per second delivered with N concurrent runs; the worker's memory")
{
    runCount, concurrency, tokensPerRun,
};
runs.SetAction((parse, cancellation) => RunsBenchmark.RunAsync(parse.GetValue(runCount), parse.GetValue(concurrency), parse.GetValue(tokensPerRun), cancellation));

var root = new RootCommand("ReHome benchmarks: they print figures and assert nothing. Run in Release.") { streaming, runs, FaultCommand.Create(), SoakCommand.Create(), LoadCommand.Create() };
return await root.Parse(args).InvokeAsync();
