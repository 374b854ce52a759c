using System.CommandLine;
using ReHome.Benchmarks;

var tokens = new Option<int>("--tokens") { Description = "Tokens per phase", DefaultValueFactory = _ => 10_000 };
var rates = new Option<int[]>("--rates")
{
    Description = "Target emit rates in tokens per second, one phase each; 0 = as fast as possible",
    DefaultValueFactory = _ => [1_000, 0],
    AllowMultipleArgumentsPerToken = true,
};
var streaming = new Command("streaming", "Emit-to-receive latency and delivered tokens/s through the real path to one subscribed client") { tokens, rates };
streaming.SetAction((parse, cancellation) => StreamingBenchmark.RunAsync(parse.GetValue(tokens), parse.GetValue(rates)!, cancellation));

var root = new RootCommand("ReHome benchmarks: they print figures and assert nothing. Run in Release.") { streaming };
return await root.Parse(args).InvokeAsync();
