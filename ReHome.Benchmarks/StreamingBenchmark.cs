using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReHome.Client;
using ReHome.Streaming;
using ReHome.Streaming.Streams;

namespace ReHome.Benchmarks;

/// <summary>
/// Streams tokens through the real path — StreamingService in a process of its own (as the worker),
/// Redis, the backplane, the api's hub — to one subscribed <see cref="ReHomeClient"/>, and prints the
/// emit-to-receive latency of live tokens (<see cref="ReceivedToken.Latency"/>), the delivered rate, and
/// the tokens the client had to replay because the live path missed them.
/// </summary>
internal static class StreamingBenchmark
{
    public static async Task<int> RunAsync(int tokenCount, IReadOnlyList<int> rates, bool bypassDevProxy, CancellationToken cancellationToken)
    {
        Console.WriteLine("starting redis, api and worker through the AppHost …");
        await using var app = await RunningApp.StartAsync([], cancellationToken, bypassDevProxy: bypassDevProxy);
        var (http, accessToken) = await app.SignInAsync("benchmark");
        using var _ = http;
        var threadId = await RunningApp.CreateThreadAsync(http);

        using var producer = await StartProducerAsync(app.RedisConnectionString, cancellationToken);
        var streaming = producer.Services.GetRequiredService<StreamingService>();
        await using var client = app.CreateClient(accessToken);
        var receiver = new Receiver();
        await client.ConnectAsync(cancellationToken);
        await client.SubscribeAsync(threadId, receiver.Handlers, cancellationToken: cancellationToken);

        // Warm-up: JIT, connection pools, Lua script cache.
        await RunPhaseAsync(streaming, receiver, new StreamRef(threadId, "warmup"), 500, rate: 0, cancellationToken);

        Console.WriteLine($"{tokenCount} tokens per phase, one subscriber, {Environment.ProcessorCount} cores");
        Console.WriteLine($"{"target rate",12} {"sent/s",9} {"delivered/s",12} {"lost",5} {"dup",4} {"replayed",8}   emit-to-receive latency (live tokens)");
        foreach (var rate in rates)
        {
            var phase = await RunPhaseAsync(streaming, receiver, new StreamRef(threadId, $"rate-{rate}"), tokenCount, rate, cancellationToken);
            Console.WriteLine(
                $"{(rate == 0 ? "unthrottled" : $"{rate}/s"),12} {phase.SentPerSecond,9:0} {phase.DeliveredPerSecond,12:0} {phase.Lost,5} {phase.Duplicates,4} {phase.Replayed,8}   {phase.Latency}");
            Console.WriteLine($"{string.Empty,53}StreamTokenAsync call (Redis script + backplane publish): {phase.EmitCall}");
        }

        return 0;
    }

    private static async Task<PhaseResult> RunPhaseAsync(
        StreamingService streaming, Receiver receiver, StreamRef stream, int count, int rate, CancellationToken cancellationToken)
    {
        receiver.Reset(stream.StreamId, count);
        var emitCalls = new List<double>(count);
        var clock = Stopwatch.StartNew();
        for (var seq = 1; seq <= count; seq++)
        {
            if (rate > 0)
            {
                var due = TimeSpan.FromSeconds((seq - 1) / (double)rate) - clock.Elapsed;
                if (due > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            var called = Stopwatch.GetTimestamp();
            await streaming.StreamTokenAsync(stream, "benchmark-run", $"token {seq} ", expectedSeq: seq, cancellationToken);
            emitCalls.Add(Stopwatch.GetElapsedTime(called).TotalMilliseconds);
        }

        var sent = clock.Elapsed;
        await streaming.CompleteAsync(stream, "benchmark-run", cancellationToken);
        // Whatever has not arrived 30 s after the last send counts as lost.
        await Task.WhenAny(receiver.AllReceived, Task.Delay(TimeSpan.FromSeconds(30), cancellationToken));
        return new PhaseResult(
            count / sent.TotalSeconds,
            receiver.DeliveredPerSecond,
            count - receiver.Count,
            receiver.Duplicates,
            receiver.Replayed,
            LatencySummary.Of(receiver.Latencies),
            LatencySummary.Of(emitCalls));
    }

    private static async Task<IHost> StartProducerAsync(string redis, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = redis });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddReHomeStreaming();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private sealed record PhaseResult(double SentPerSecond, double DeliveredPerSecond, int Lost, int Duplicates, int Replayed, LatencySummary Latency, LatencySummary EmitCall);
}
