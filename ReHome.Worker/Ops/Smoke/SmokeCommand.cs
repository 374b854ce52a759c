using System.CommandLine;
using ReHome.Streaming;

namespace ReHome.Worker.Ops.Smoke;

/// <summary>
/// <c>smoke &lt;threadId&gt; &lt;runId&gt;</c> — the runbook's <c>stream:smoke</c>: emits a stream through the
/// real <c>StreamingService</c> and receives it as a real hub client.
/// </summary>
internal static class SmokeCommand
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var threadId = new Argument<string?>("threadId") { Description = "An existing thread (its owner's token is minted for the hub). Leave out with --create.", Arity = ArgumentArity.ZeroOrOne };
        var runId = new Argument<string?>("runId") { Description = "The run id the tokens carry (default: a new one).", Arity = ArgumentArity.ZeroOrOne };
        var create = new Option<bool>("--create") { Description = "Create a thread first, through the API, as the service user rehome-ops." };
        var streamId = new Option<string>("--stream-id") { Description = "The stream to write; it is reset first, and refused while live.", DefaultValueFactory = _ => "ops-smoke" };
        var tokens = OpsOptions.Count("--tokens", "Tokens to emit.", 100, 100_000);
        var interval = Durations.Option("--interval", "Pause between tokens, as a model writes (0s: as fast as possible).", DefaultInterval);
        var maxP95 = new Option<double?>("--max-p95-ms")
        {
            Description = "Fail when the emit-to-receive p95 is above this many milliseconds [default: Alerts:MaxCanaryP95Milliseconds, the runbook's 50 ms].",
        };
        var timeout = OpsOptions.Timeout(DefaultTimeout, "the whole smoke test");
        var apiUrl = OpsOptions.ApiUrl();

        var command = new Command("smoke", "End-to-end smoke test: emit tokens through the real pipeline, receive them as a client, report losses, duplicates and latency.")
        {
            threadId, runId, create, streamId, tokens, interval, maxP95, timeout, apiUrl,
        };
        command.Validators.Add(result =>
        {
            var hasThread = result.GetValue(threadId) is not null;
            var creates = result.GetValue(create);
            if (hasThread == creates)
            {
                result.AddError(creates ? "--create makes a new thread: leave out the thread id." : "Give a thread id, or --create to make a thread.");
            }

            foreach (var (name, id) in new[] { ("threadId", result.GetValue(threadId)), ("runId", result.GetValue(runId)), ("--stream-id", result.GetValue(streamId)) })
            {
                if (id is not null && !Ids.IsValid(id))
                {
                    result.AddError($"{name} '{id}' is not a valid id: ids match {Ids.Pattern}.");
                }
            }
        });

        command.SetOpsAction((parse, console, cancellationToken) => SmokeTest.RunAsync(
            new SmokeSettings(
                parse.GetValue(threadId),
                parse.GetValue(runId) ?? Ids.New("run"),
                parse.GetValue(streamId)!,
                parse.GetValue(tokens),
                parse.GetValue(interval) ?? DefaultInterval,
                parse.GetValue(maxP95),
                parse.GetValue(timeout) ?? DefaultTimeout,
                parse.GetValue(apiUrl)),
            console,
            cancellationToken));
        return command;
    }
}

/// <summary>What <c>smoke</c> was asked to do; a null thread id means create a thread.</summary>
internal sealed record SmokeSettings(
    string? ThreadId, string RunId, string StreamId, int Tokens, TimeSpan Interval, double? MaxP95Milliseconds, TimeSpan Timeout, Uri? ApiUrl);
