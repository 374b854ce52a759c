using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using ReHome.Client;
using ReHome.Streaming.Health;
using ReHome.Streaming.Streams;
using StackExchange.Redis;

namespace ReHome.Worker.Ops.Smoke;

/// <summary>
/// One smoke run: reset the stream, subscribe as a real client, emit the tokens through the real
/// <see cref="StreamingService"/> (Redis log, then the backplane to the API, then the WebSocket),
/// complete the stream, and compare what arrived with what was sent.
/// </summary>
internal static class SmokeTest
{
    public static async Task<int> RunAsync(SmokeSettings settings, OpsConsole console, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.Timeout);

        await using var ops = await OpsServices.CreateAsync(connectRedis: true, deadline.Token);
        var api = ServiceAddresses.RequireApi(ops.Configuration, settings.ApiUrl);
        var thread = settings.ThreadId is null
            ? await SmokeThread.CreateAsync(ops, api, settings.Timeout, deadline.Token)
            : await SmokeThread.FindAsync(ops, settings.ThreadId);
        var stream = new StreamRef(thread.Id, settings.StreamId);

        var streaming = ops.Get<StreamingService>();
        if (!await streaming.ResetAsync(stream))
        {
            throw new OpsFailure(
                $"Stream {settings.StreamId} of thread {thread.Id} is live (a producer is still writing it), so it cannot be reset. " +
                "Wait for it to end, run `reap` if it is stuck, or pass another --stream-id.");
        }

        // One latency bar for the canary's alert and the smoke test, unless the operator names another.
        var maxP95 = settings.MaxP95Milliseconds ?? ops.Get<IOptions<AlertOptions>>().Value.MaxCanaryP95Milliseconds;
        var receiver = new SmokeReceiver(settings.StreamId);
        await using var client = new ReHomeClient(new ReHomeClientOptions
        {
            ApiUrls = [api],
            AccessTokenProvider = () => Task.FromResult<string?>(thread.AccessToken),
            TimeProvider = ops.Get<TimeProvider>(),
        });
        // Within what is left of the deadline, but bounded on its own, so the operator reads why the hub was not reached.
        var left = settings.Timeout - Stopwatch.GetElapsedTime(started);
        await OpsHub.ConnectAsync(client, api, left > TimeSpan.Zero ? left : TimeSpan.Zero, cancellationToken);
        try
        {
            // Subscribed before the first token is written: every token can arrive live.
            await client.SubscribeAsync(thread.Id, receiver.Handlers, cancellationToken: deadline.Token);
        }
        catch (HubException refused)
        {
            throw new OpsFailure($"The hub refused to subscribe to thread {thread.Id}: {refused.Message}");
        }

        console.Line($"Smoke test: {settings.Tokens} tokens on thread {thread.Id}, stream {settings.StreamId}, run {settings.RunId}, received at {ReHomeHub.WebSocketAddress(api)}");
        var endedInTime = false;
        try
        {
            await console.ProgressAsync(["Emitting", "Receiving"], settings.Tokens, async report =>
            {
                for (var seq = 1; seq <= settings.Tokens; seq++)
                {
                    // The Redis step itself takes no token; stop between tokens instead.
                    deadline.Token.ThrowIfCancellationRequested();
                    await streaming.StreamTokenAsync(stream, settings.RunId, string.Create(CultureInfo.InvariantCulture, $"smoke {seq} "), seq, deadline.Token);
                    report(0, seq);
                    report(1, receiver.Received);
                    if (settings.Interval > TimeSpan.Zero)
                    {
                        await Task.Delay(settings.Interval, deadline.Token);
                    }
                }

                await streaming.CompleteAsync(stream, settings.RunId, deadline.Token);
                endedInTime = await WaitForEndAsync(receiver, value => report(1, value), deadline.Token);
            });
        }
        catch (Exception interrupted) when (interrupted is OperationCanceledException or RedisException or TimeoutException)
        {
            // Timed out or interrupted mid-stream: end it, so it is not left live to be counted as stuck.
            await EndQuietlyAsync(streaming, stream, settings.RunId, interrupted);
            throw;
        }

        return Report(receiver.Result(settings.Tokens), endedInTime, maxP95, settings.Timeout, console);
    }

    private static async Task EndQuietlyAsync(StreamingService streaming, StreamRef stream, string runId, Exception interrupted)
    {
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await streaming.FailAsync(stream, runId, $"the smoke test stopped: {interrupted.GetType().Name}", grace.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RedisException or TimeoutException)
        {
            // Redis is what failed; the reaper ends the stream later.
        }
    }

    /// <summary>
    /// The client hands the end on once every token up to it was shown (live, or replayed where the live
    /// path left a gap); the end follows the last token on the same backplane channel, so every token that
    /// will arrive live has arrived by then. False when it did not come before the deadline.
    /// </summary>
    private static async Task<bool> WaitForEndAsync(SmokeReceiver receiver, Action<double> report, CancellationToken deadline)
    {
        try
        {
            while (!receiver.Ended.IsCompleted)
            {
                await Task.WhenAny(receiver.Ended, Task.Delay(TimeSpan.FromMilliseconds(50), deadline));
                deadline.ThrowIfCancellationRequested();
                report(receiver.Received);
            }

            report(receiver.Received);
            return true;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    private static int Report(SmokeResult result, bool endedInTime, double maxP95, TimeSpan timeout, OpsConsole console)
    {
        console.Line($"received {result.Received} of {result.Sent}, lost {result.Lost}, duplicated {result.Duplicated}, recovered by replay {result.RecoveredByReplay}");
        console.Line(string.Create(CultureInfo.InvariantCulture,
            $"emit-to-receive latency {result.Latency} over {result.Latency.Count} tokens (limit: p95 {maxP95} ms)"));

        var problems = new List<string>();
        if (result.Lost > 0)
        {
            problems.Add($"{result.Lost} tokens lost");
        }

        if (result.Duplicated > 0)
        {
            problems.Add($"{result.Duplicated} tokens duplicated");
        }

        if (result.RecoveredByReplay > 0)
        {
            // The client filled the gap, as it would for a browser, but a healthy live path needs no replay.
            problems.Add($"{result.RecoveredByReplay} tokens never arrived live (recovered by replay)");
        }

        if (!endedInTime)
        {
            problems.Add($"the end of the stream did not arrive within {Durations.Format(timeout)}");
        }

        if (!(result.Latency.P95 <= maxP95))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"p95 {result.Latency.P95:0.00} ms is over {maxP95} ms"));
        }

        if (problems.Count > 0)
        {
            console.Error($"Smoke stream FAILED: {string.Join("; ", problems)}.");
            return OpsExitCodes.Failed;
        }

        console.Success("Smoke stream completed successfully!");
        return OpsExitCodes.Ok;
    }
}
