using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

/// <summary>rehome-client in Chromium against the running application, fed by a producer that writes streams as the worker does.</summary>
[Collection(nameof(BrowserTests))]
public sealed class ReHomeClientTests(AppFixture fixture, ChromiumFixture chromium)
{
    [Fact]
    public async Task TokenBroadcastsLostInTransitAreReplayedAndEveryTokenIsDeliveredOnceInOrder()
    {
        var (stream, page, client) = await OpenSubscribedAsync();
        await using var _ = page;

        // Lost in the middle (a gap the next live token reveals) and at the very end (only the end event's lastSeq tells).
        await page.Sockets.DropTokensAsync([5, 6, 20, 40]);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 40, pause: TimeSpan.FromMilliseconds(5));
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        var tokens = await client.TokensAsync();
        var stats = await client.StatsAsync();
        Assert.Equal(4, await page.Sockets.DroppedAsync());
        Assert.Equal(Enumerable.Range(1, 40).Select(seq => (long)seq), tokens.Select(token => token.Seq));
        Assert.Equal(Enumerable.Range(1, 40).Select(seq => $"t{seq}"), tokens.Select(token => token.Token));
        Assert.Contains(tokens, token => token.Seq == 5 && token.Source == "replay");
        Assert.True(stats.GapsDetected >= 2, $"the gaps at 5 and 20 were noticed: {stats}");
        var ended = Assert.Single(await client.EndedAsync());
        Assert.Equal(("completed", 40L), (ended.Status, ended.LastSeq));
        Assert.Empty(await client.ErrorsAsync());
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task AfterItsSocketDiesTheClientReconnectsResubscribesAndReplaysWhatItMissed()
    {
        var (stream, page, client) = await OpenSubscribedAsync();
        await using var _ = page;
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 20);
        await client.WaitForTokensAsync(20);

        // The network goes down: the socket dies and reconnect attempts fail while tokens 21..60 are written.
        await page.Sockets.BlockAsync(true);
        Assert.Equal(1, await page.Sockets.KillAsync());
        await client.WaitForStateAsync("reconnecting");
        await producer.EmitAsync(stream, "run-1", 40, from: 21);
        await page.Sockets.BlockAsync(false);
        await client.WaitForTokensAsync(60);
        await producer.EmitAsync(stream, "run-1", 20, from: 61);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        var tokens = await client.TokensAsync();
        var stats = await client.StatsAsync();
        Assert.Equal(Enumerable.Range(1, 80).Select(seq => $"t{seq}"), tokens.Select(token => token.Token));
        Assert.All(tokens.Where(token => token.Seq is > 20 and <= 60), token => Assert.Equal("replay", token.Source));
        Assert.All(tokens.Where(token => token.Seq > 60), token => Assert.Equal("live", token.Source));
        Assert.True(stats.Reconnects >= 1, $"the client reconnected: {stats}");
        Assert.Contains("reconnecting", await client.StatesAsync());
        Assert.Equal("connected", (await client.StatesAsync())[^1]);
        Assert.Equal("completed", Assert.Single(await client.EndedAsync()).Status);
        Assert.Empty(await client.ErrorsAsync());
    }

    [Fact]
    public async Task WhenTheConnectionIsClosedForGoodTheClientStartsItAgainAndReplaysWhatItMissed()
    {
        var (stream, page, client) = await OpenSubscribedAsync();
        await using var _ = page;
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 10);
        await client.WaitForTokensAsync(10);

        // SignalR's own reconnect does not follow a close that forbids it; the client starts a new connection itself.
        await page.Sockets.BlockAsync(true);
        await page.Sockets.CloseForGoodAsync();
        await client.WaitForStateAsync("reconnecting");
        await producer.EmitAsync(stream, "run-1", 10, from: 11);
        await page.Sockets.BlockAsync(false);
        await client.WaitForTokensAsync(20);
        await producer.EmitAsync(stream, "run-1", 10, from: 21);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        var tokens = await client.TokensAsync();
        Assert.Equal(Enumerable.Range(1, 30).Select(seq => $"t{seq}"), tokens.Select(token => token.Token));
        Assert.All(tokens.Where(token => token.Seq is > 10 and <= 20), token => Assert.Equal("replay", token.Source));
        Assert.True((await client.StatsAsync()).Reconnects >= 1);
        Assert.Empty(await client.ErrorsAsync());
    }

    [Fact]
    public async Task WhenItsAccessTokenExpiresTheServerClosesTheConnectionAndTheClientComesBackWithAFreshToken()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        var expiring = TestSigningKeys.Mint(alice.UserId, TestSigningKeys.Primary, TestSigningKeys.PrimaryId, DateTimeOffset.UtcNow.AddSeconds(2));
        await using var page = await OpenAsync();
        var client = new ClientHarness(page);
        Assert.Null(await client.SubscribeAsync([expiring, alice.AccessToken], threadId));
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 10);

        // The hub closes connections whose token has expired (CloseOnAuthenticationExpiration).
        await page.WaitForAsync("() => window.__harness.client.stats.reconnects >= 1", "a reconnect after the token expired");
        await client.WaitForStateAsync("connected");
        await producer.EmitAsync(stream, "run-1", 10, from: 11);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        Assert.True(await client.TokenRequestsAsync() >= 2, "the client asked its factory for a fresh token");
        Assert.Equal(Enumerable.Range(1, 20).Select(seq => $"t{seq}"), (await client.TokensAsync()).Select(token => token.Token));
        Assert.Empty(await client.ErrorsAsync());
    }

    [Theory]
    [InlineData("active", 1)]
    [InlineData("none", 21)]
    public async Task SubscribingMidStreamShowsTheStreamFromWhereTheHistoryOptionSays(string history, int firstSeq)
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 20);
        await using var page = await OpenAsync();
        var client = new ClientHarness(page);

        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId, history));
        await producer.EmitAsync(stream, "run-1", 10, from: 21);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        var tokens = await client.TokensAsync();
        Assert.Equal(Enumerable.Range(firstSeq, 31 - firstSeq).Select(seq => $"t{seq}"), tokens.Select(token => token.Token));
        Assert.Equal(30, Assert.Single(await client.EndedAsync()).LastSeq);
    }

    [Fact]
    public async Task AReplayRefusedByTheRateLimitIsReportedAndRetriedAfterTheWaitTheServerNames()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["RateLimit:ActionsPerWindow"] = "2";
        settings["RateLimit:Window"] = "00:00:02";
        await using var api = ApiReplica.Start(settings);
        using var alice = await UserSession.SignInAsync(api.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var page = await chromium.NewPageAsync(api.BaseAddress);
        await page.Page.GotoAsync("/");
        var client = new ClientHarness(page);
        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId));

        // Subscribe and the first gap's replay use the window up; the second gap's replay is refused, then retried.
        await page.Sockets.DropTokensAsync([3, 8]);
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 15, pause: TimeSpan.FromMilliseconds(30));
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await client.WaitForEndedAsync();

        var refused = Assert.Single(await client.ErrorsAsync());
        Assert.Equal("rate_limited", refused.Code);
        Assert.Contains("retry after", refused.Message);
        Assert.Equal(Enumerable.Range(1, 15).Select(seq => $"t{seq}"), (await client.TokensAsync()).Select(token => token.Token));
    }

    [Fact]
    public async Task SubscribingToAnotherUsersThreadIsRejectedWithTheForbiddenCode()
    {
        using var alice = await fixture.SignInAsync();
        using var mallory = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var page = await OpenAsync();
        var client = new ClientHarness(page);

        var refused = await client.SubscribeAsync(mallory.AccessToken, threadId);

        Assert.NotNull(refused);
        Assert.Equal("forbidden", refused.Code);
        Assert.StartsWith("forbidden", refused.Message);
        Assert.Equal("forbidden", Assert.Single(await client.ErrorsAsync()).Code);
    }

    /// <summary>A page whose client has subscribed, as a new user, to a new thread whose stream "answer" the test writes.</summary>
    private async Task<(StreamRef Stream, BrowserPage Page, ClientHarness Client)> OpenSubscribedAsync()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var page = await OpenAsync();
        var client = new ClientHarness(page);
        Assert.Null(await client.SubscribeAsync(alice.AccessToken, threadId));
        return (new StreamRef(threadId, "answer"), page, client);
    }

    private async Task<BrowserPage> OpenAsync()
    {
        var page = await chromium.NewPageAsync(fixture.ApiEndpoint);
        await page.Page.GotoAsync("/");
        return page;
    }
}
