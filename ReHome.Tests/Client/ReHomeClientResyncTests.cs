using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using ReHome.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>
/// ReHome.Client when broadcasts are lost with its socket still open (the api's backplane was down), and
/// when the server sends a token twice (a writer's retried group): the client catches up, and says so.
/// </summary>
public sealed class ReHomeClientResyncTests(AppFixture fixture)
{
    [Fact]
    public async Task TokensAndTheEndLostWhileTheApisBackplaneWasDownArriveOnceOnTheResyncWithoutAReconnect()
    {
        var cancellation = TestContext.Current.CancellationToken;
        await using var redis = await IsolatedRedis.StartAsync();
        await using var api = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        // Off: only the api's agent.resync can tell this client what it missed.
        await using var client = new ReHomeClient(alice.ClientOptions(api.BaseAddress) with { SilentStreamTimeout = Timeout.InfiniteTimeSpan });
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString);
        var streaming = worker.Services.GetRequiredService<StreamingService>();
        var stream = new StreamRef(threadId, "answer");
        for (var seq = 1; seq <= 5; seq++)
        {
            await streaming.StreamTokenAsync(stream, "run-1", $"t{seq}", expectedSeq: seq, cancellation);
        }

        await log.WaitForTokensAsync(5, TestTimeouts.Default);

        // The api's backplane loses its subscriptions and cannot get back in while the last tokens and the end are written.
        await redis.LockOutNewConnectionsAsync();
        Assert.True(await redis.KillSubscriptionsAsync() >= 1);
        for (var seq = 6; seq <= 8; seq++)
        {
            await streaming.StreamTokenAsync(stream, "run-1", $"t{seq}", expectedSeq: seq, cancellation);
        }

        await streaming.CompleteAsync(stream, "run-1", cancellation);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        Assert.Equal(5, log.Tokens.Count);
        Assert.Empty(log.Ends);
        Assert.Equal(0, client.Statistics.Resyncs);

        await redis.LetNewConnectionsInAsync();
        await log.WaitForEndedAsync("answer", TestTimeouts.Recovery);

        ReHomeClientFailoverTests.AssertExactlyOnce(log, 8);
        Assert.Equal(("completed", 8L), (Assert.Single(log.Ends) is var ended ? (ended.Status, ended.LastSeq) : default));
        Assert.All(log.Tokens.Skip(5), token => Assert.True(token.Replayed, $"seq {token.Event.Seq} came by replay"));
        var statistics = client.Statistics;
        Assert.True(statistics.Resyncs >= 1, $"the api asked the client to resync: {statistics}");
        Assert.Equal(0, statistics.Reconnects);
    }

    [Fact]
    public async Task ATokenTheServerSendsTwiceIsHandedOnOnceAndCountedAsALiveDuplicateOnTheClientsMeter()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = metrics.GetRequiredService<IMeterFactory>();
        using var duplicatesDropped = new MetricCollector<long>(meterFactory, ReHomeClientOptions.MeterName, "rehome.client.duplicates.dropped");
        using var latency = new MetricCollector<double>(meterFactory, ReHomeClientOptions.MeterName, "rehome.client.token.latency");
        await using var client = new ReHomeClient(alice.ClientOptions(fixture.ApiEndpoint) with { MeterFactory = meterFactory });
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");

        await producer.Streaming.StreamTokensAsync(stream, "run-1", ["t1", "t2", "t3"], firstSeq: 1, cancellation);
        await log.WaitForTokensAsync(3, TestTimeouts.Default);
        // A writer retrying a group it is not sure landed: the log keeps the first, and the script publishes
        // the retried seqs again as the log holds them, so subscribers get seqs 2 and 3 a second time.
        await producer.Streaming.StreamTokensAsync(stream, "run-1", ["again", "again", "t4"], firstSeq: 2, cancellation);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        await log.WaitForEndedAsync("answer", TestTimeouts.Default);

        ReHomeClientFailoverTests.AssertExactlyOnce(log, 4);
        var liveDuplicates = log.LiveDuplicates.Select(token => token.Event.Seq).Order();
        Assert.Equal([2L, 3L], liveDuplicates);
        Assert.True(client.Statistics.DuplicatesDropped >= 2, $"{client.Statistics}");
        Assert.Equal(client.Statistics.DuplicatesDropped, duplicatesDropped.GetMeasurementSnapshot().Sum(measurement => measurement.Value));
        // One latency per token that arrived live, none for one that came by replay.
        Assert.Equal(log.Tokens.Count(token => !token.Replayed), latency.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task AReplayRefusedByTheThreadsActionLimitIsTriedAgainAndTheEndedStreamArrivesWhole()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["RateLimit:ActionsPerWindow"] = "3";
        settings["RateLimit:Window"] = "00:00:02";
        await using var api = ApiReplica.Start(settings);
        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", 10);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

        // Two of the thread's three actions go elsewhere: the client's Subscribe is allowed, its Replay refused.
        await using (var other = alice.CreateHubConnection())
        {
            await other.StartAsync(cancellation);
            await other.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
            await other.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        }

        await using var client = alice.CreateClient(api.BaseAddress);
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);

        // The stream has ended, so no live token, gap or silence would ever ask for it again.
        await log.WaitForEndedAsync("answer", TestTimeouts.Default);
        ReHomeClientFailoverTests.AssertExactlyOnce(log, 10);
        Assert.True(client.Statistics.Replays >= 2, $"the refused replay was made again: {client.Statistics}");
        Assert.Equal(0, client.Statistics.Reconnects);
    }

    [Fact]
    public async Task AnEndedStreamTheServerNoLongerListsIsForgottenOnTheNextSubscribeAndOthersAreKept()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var client = alice.CreateClient(fixture.ApiEndpoint);
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);
        await using var producer = await StreamProducer.StartAsync(fixture);
        var old = new StreamRef(threadId, "old");
        await producer.EmitAsync(old, "run-old", 5);
        await producer.Streaming.CompleteAsync(old, "run-old", cancellation);
        await log.WaitForEndedAsync("old", TestTimeouts.Default);
        var live = new StreamRef(threadId, "answer");
        await producer.EmitAsync(live, "run-1", 3);
        await log.WaitForSeqAsync("answer", 3, TestTimeouts.Default);

        // Its retention passed: the server removes the ended stream (and its place in the thread).
        Assert.True(Assert.Single(await producer.Streaming.RemoveEndedAsync([(old, "run-old")], DateTimeOffset.UtcNow.AddMinutes(1))));
        await client.CurrentConnection.StopAsync(cancellation);
        await Eventually.MatchesAsync(
            () => Task.FromResult(subscription.Positions.Select(position => position.StreamId).Order().ToArray()),
            streams => streams is ["answer"], TestTimeouts.Default, "only the stream the server still lists kept after the resubscribe");

        await producer.EmitAsync(live, "run-1", 2, from: 4);
        await producer.Streaming.CompleteAsync(live, "run-1", cancellation);
        await log.WaitForEndedAsync("answer", TestTimeouts.Default);
        log.AssertShownOnce("answer", 5);
        Assert.True(client.Statistics.Reconnects >= 1, $"{client.Statistics}");
    }
}
