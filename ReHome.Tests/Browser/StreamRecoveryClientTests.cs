using Microsoft.Extensions.DependencyInjection;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using ReHome.Tests.Streaming;
using StackExchange.Redis;

namespace ReHome.Tests.Browser;

/// <summary>
/// rehome-client in Chromium when broadcasts are lost with no gap to show it and no socket dropping
/// (the API's backplane was down, a silent stream), and when Redis rewinds a stream that is restarted.
/// </summary>
[Collection(nameof(BrowserTests))]
public sealed class StreamRecoveryClientTests(AppFixture fixture, ChromiumFixture chromium)
{
    [Fact]
    public async Task AnEndLostWhileTheApisBackplaneWasDownReachesTheClientWhenTheBackplaneComesBack()
    {
        await using var redis = await IsolatedRedis.StartAsync();
        await using var api = ApiReplica.Start(ApiReplica.SettingsLike(redis.ConnectionString));
        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var page = await chromium.NewPageAsync(api.BaseAddress);
        await page.Page.GotoAsync("/");
        var client = new ClientHarness(page);
        // The silent-stream check is off: only the api's resync can tell this client what it missed.
        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId, silentStreamCheckMs: 0));
        await using var worker = await WorkerLikeHost.StartAsync(redis.ConnectionString);
        var streaming = worker.Services.GetRequiredService<StreamingService>();
        for (var seq = 1; seq <= 5; seq++)
        {
            await streaming.StreamTokenAsync(stream, "run-1", $"t{seq}", expectedSeq: seq);
        }

        await client.WaitForTokensAsync(5);

        // The backplanes lose their subscriptions and cannot get back in while the last tokens and the end are written.
        await redis.LockOutNewConnectionsAsync();
        Assert.True(await redis.KillSubscriptionsAsync() >= 1);
        for (var seq = 6; seq <= 8; seq++)
        {
            await streaming.StreamTokenAsync(stream, "run-1", $"t{seq}", expectedSeq: seq);
        }

        await streaming.CompleteAsync(stream, "run-1");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(5, (await client.TokensAsync()).Length);
        Assert.Empty(await client.EndedAsync());
        Assert.Equal("connected", (await client.StatesAsync())[^1]);

        await redis.LetNewConnectionsInAsync();
        await client.WaitForEndedAsync();

        Assert.Equal(Enumerable.Range(1, 8).Select(seq => $"t{seq}"), (await client.TokensAsync()).Select(token => token.Token));
        Assert.Equal(("completed", 8L), (Assert.Single(await client.EndedAsync()) is var ended ? (ended.Status, ended.LastSeq) : default));
        var stats = await client.StatsAsync();
        Assert.True(stats.Resyncs >= 1, $"the api asked the client to resync: {stats}");
        Assert.Equal(0, stats.Reconnects);
        Assert.Empty(await client.ErrorsAsync());
    }

    [Fact]
    public async Task ALiveStreamSilentForTheCheckIntervalIsCaughtUpByANewSubscribe()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var page = await chromium.NewPageAsync(fixture.ApiEndpoint);
        await page.Page.GotoAsync("/");
        var client = new ClientHarness(page);
        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId, silentStreamCheckMs: 1500));

        // The last two tokens and the end are lost on the way: no later token shows the gap.
        await page.Sockets.DropTokensAsync([9, 10]);
        await page.Sockets.DropEventsAsync(StreamNames.Events.StreamEnded);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 10);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        Assert.Equal(Enumerable.Range(1, 10).Select(seq => $"t{seq}"), (await client.TokensAsync()).Select(token => token.Token));
        Assert.Equal(10, Assert.Single(await client.EndedAsync()).LastSeq);
        Assert.True((await client.StatsAsync()).SilentChecks >= 1);
        Assert.Equal(3, await page.Sockets.DroppedAsync());
    }

    [Fact]
    public async Task AStreamRedisRewoundIsRestartedAndTheClientShowsTheNewReplyOnceWithTheOldTextDiscarded()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var page = await chromium.NewPageAsync(fixture.ApiEndpoint);
        await page.Page.GotoAsync("/");
        var client = new ClientHarness(page);
        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId));
        await using var producer = await StreamProducer.StartAsync(fixture);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        await producer.EmitAsync(stream, "run-1", 5);
        var snapshot = await StreamSnapshot.TakeAsync(redis.GetDatabase(), stream);
        await producer.EmitAsync(stream, "run-1", 5, from: 6);
        await client.WaitForTokensAsync(10);

        // Redis comes back as it was at seq 5; the writer notices, restarts the stream and writes another reply.
        await snapshot.RestoreAsync(redis.GetDatabase());
        await Assert.ThrowsAsync<StreamRewoundException>(() => producer.Streaming.StreamTokenAsync(stream, "run-1", "t11", expectedSeq: 11));
        var epoch = await producer.Streaming.RestartAsync(stream, "run-1");
        for (var seq = 1; seq <= 6; seq++)
        {
            await producer.Streaming.StreamTokenAsync(stream, "run-1", $"n{seq}", expectedSeq: seq);
        }

        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        Assert.Equal(Enumerable.Range(1, 6).Select(seq => $"n{seq}"), (await client.TokensAsync()).Select(token => token.Token));
        var reset = Assert.Single(await client.ResetsAsync());
        Assert.Equal(epoch, reset.Epoch);
        Assert.NotNull(reset.PreviousEpoch);
        Assert.NotEqual(epoch, reset.PreviousEpoch);
        Assert.Equal(6, Assert.Single(await client.EndedAsync()).LastSeq);
        Assert.Empty(await client.ErrorsAsync());
    }
}
