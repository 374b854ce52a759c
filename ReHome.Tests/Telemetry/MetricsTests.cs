using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Telemetry;

/// <summary>Runs a reaper and takes the sampler lease on the shared Redis, so it runs alone, after the parallel tests.</summary>
[Collection(typeof(DisruptiveTests))]
public sealed class MetricsTests(AppFixture fixture)
{
    public static readonly string[] Instruments =
    [
        "rehome.tokens.emitted", "rehome.tokens.delivery.latency", "rehome.streams.ended", "rehome.streams.reaped",
        "rehome.streams.live", "rehome.streams.ended_recently", "rehome.streams.stuck", "rehome.queue.depth",
        "rehome.queue.wait_time", "rehome.jobs", "rehome.jobs.duration", "rehome.errors", "rehome.redis.memory.used",
        "rehome.redis.ops_per_second", "rehome.redis.keyspace.hit_ratio", "rehome.hub.connections",
    ];

    [Fact]
    public async Task EveryOperationalInstrumentIsRecordedByTheRealServices()
    {
        var recorded = new ConcurrentDictionary<string, int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, meterListener) =>
        {
            if (instrument.Meter.Name == "ReHome")
            {
                meterListener.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => recorded.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1));
        listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => recorded.AddOrUpdate(instrument.Name, 1, (_, count) => count + 1));
        listener.Start();

        // A worker with the canary, a fast reaper and sampler, and a second one whose provider fails.
        await using var provider = await FakeOpenAIServer.FailingAsync(statusCode: 500);
        await using var lane = WorkerLane.Start(fixture);
        await using var failingLane = WorkerLane.Start(fixture);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString))
        {
            // The sampler lease goes to whichever worker asks first; let this test's worker ask first.
            await redis.GetDatabase().KeyDeleteAsync("ai:lease:redis-sampler");
        }

        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["services:api:http:0"] = lane.Api.BaseAddress.ToString(),
            ["Canary:Interval"] = "00:00:00.300",
            ["Reaper:IdleThreshold"] = "00:00:03",
            ["Reaper:Interval"] = "00:00:00.200",
            ["Alerts:StuckAfter"] = "00:00:01",
            ["Telemetry:RedisSampler:Interval"] = "00:00:00.200",
        });
        await failingLane.StartWorkerAsync(provider.WorkerSettings(("Queue:MaxAttempts", "1")));

        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        var run = await alice.CreateRunAsync(threadId, "measure me", RunPriorities.High);
        using var mallory = await failingLane.SignInAsync();
        await mallory.CreateRunAsync(await mallory.CreateThreadAsync(), "fail me");
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            // A stream whose producer goes silent, for the stuck gauge and the reaper.
            await producer.EmitAsync(new StreamRef(threadId, "silent"), "run-silent", 1);
        }

        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TestTimeouts.Default);
        await receiver.WaitForEndedAsync("silent", TestTimeouts.Default);
        await Eventually.MatchesAsync(
            () =>
            {
                listener.RecordObservableInstruments();
                return Task.FromResult(Instruments.Except(recorded.Keys).ToArray());
            },
            missing => missing.Length == 0,
            TestTimeouts.Recovery,
            "every instrument recorded (missing shown last)");

        // The watching client kept its first connection throughout.
        Assert.Equal((0L, HubConnectionState.Connected), (client.Statistics.Reconnects, client.CurrentConnection.State));
        Assert.All(Instruments, name => Assert.True(recorded.GetValueOrDefault(name) > 0, $"{name} was not recorded"));
    }
}
