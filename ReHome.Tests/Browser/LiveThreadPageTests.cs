using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

/// <summary>The live thread page in Chromium against the whole running application: the real API, hub, Redis and worker.</summary>
[Collection(nameof(BrowserTests))]
public sealed class LiveThreadPageTests(AppFixture fixture, ChromiumFixture chromium)
{
    [Fact]
    public async Task ARunStartedOnThePageShowsExactlyTheWorkersTokensInOrderAndEndsCompleted()
    {
        var (user, page) = await SignedInPageAsync();
        using var _ = user;
        await using var browser = page.Browser;
        var threadId = await page.CreateThreadAsync("browser: a whole run");

        var (_, streamId) = await page.StartRunAsync("What does ReHome promise?", priority: "high");
        await page.WaitForSeqAsync(streamId, 20);
        var seqMidStream = await page.SeqAsync(streamId);
        var statusMidStream = await page.StatusAsync(streamId);
        var screenshot = await page.ScreenshotAsync("live-thread-mid-stream");
        await page.WaitForStatusAsync(streamId, "completed");

        var produced = await ProducedAsync(user, threadId, streamId);
        var latency = await browser.Page.Locator("#latency").TextContentAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"emit-to-receive latency on the page: {latency}");
        Assert.Equal("streaming", statusMidStream);
        Assert.True(seqMidStream >= 20, $"mid-stream seq {seqMidStream}");
        Assert.True(produced.Tokens.Count >= 10, $"the worker produced a real stream: {produced.Tokens.Count} tokens");
        Assert.Equal(Text(produced), await page.TextAsync(streamId));
        Assert.Equal(produced.LastSeq, await page.SeqAsync(streamId));
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"a screenshot was written to {screenshot}");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task APageWhoseSocketDiesMidStreamReconnectsReplaysAndShowsExactlyTheProducedText()
    {
        var (user, page) = await SignedInPageAsync();
        using var _ = user;
        await using var browser = page.Browser;
        var threadId = await page.CreateThreadAsync("browser: a socket dies");
        var (_, streamId) = await page.StartRunAsync("Survive a dropped connection.");
        await page.WaitForSeqAsync(streamId, 5);

        // The network goes down mid-stream for long enough that the worker writes tokens the page never gets live.
        await browser.Sockets.BlockAsync(true);
        Assert.Equal(1, await browser.Sockets.KillAsync());
        await page.WaitForConnectionAsync("reconnecting");
        var seqWhenDown = await page.SeqAsync(streamId);
        await Task.Delay(TimeSpan.FromMilliseconds(600));
        await browser.Sockets.BlockAsync(false);
        await page.WaitForStatusAsync(streamId, "completed");

        var produced = await ProducedAsync(user, threadId, streamId);
        Assert.Equal(Text(produced), await page.TextAsync(streamId));
        Assert.Equal(produced.LastSeq, await page.SeqAsync(streamId));
        Assert.True(seqWhenDown < produced.LastSeq, $"the socket died mid-stream (at seq {seqWhenDown} of {produced.LastSeq})");
        Assert.Equal("connected", await page.ConnectionStateAsync());
        Assert.True(await page.CounterAsync("reconnects") >= 1, "the page shows it reconnected");
        Assert.True(await page.CounterAsync("replayed") > 0, "tokens missed while down were replayed");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task TheStopButtonEndsTheRunCancelledAndNoTokenAppearsAfterwards()
    {
        var (user, page) = await SignedInPageAsync();
        using var _ = user;
        await using var browser = page.Browser;
        var threadId = await page.CreateThreadAsync("browser: stop");
        var (runId, streamId) = await page.StartRunAsync("Stop me halfway.");
        await page.WaitForSeqAsync(streamId, 3);

        await page.StopAsync();
        await page.WaitForStatusAsync(streamId, "cancelled");
        var textAtEnd = await page.TextAsync(streamId);
        var seqAtEnd = await page.SeqAsync(streamId);
        await Task.Delay(TimeSpan.FromMilliseconds(500));

        var produced = await ProducedAsync(user, threadId, streamId);
        var run = await user.GetRunAsync(threadId, runId);
        Assert.Equal("cancelled", produced.Status);
        Assert.Equal("cancelled", run.Status);
        Assert.Equal(Text(produced), textAtEnd);
        Assert.Equal(produced.LastSeq, seqAtEnd);
        Assert.Equal(textAtEnd, await page.TextAsync(streamId));
        Assert.True(await page.Browser.Page.Locator("#stop-run").IsDisabledAsync(), "Stop is off once the run has ended");
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task AStreamRestartedUnderANewEpochIsClearedOnThePageAndShowsOnlyTheNewReply()
    {
        var (user, page) = await SignedInPageAsync();
        using var _ = user;
        await using var browser = page.Browser;
        var threadId = await page.CreateThreadAsync("browser: a restarted stream");
        var stream = new StreamRef(threadId, "answer");
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 5);
        await page.WaitForSeqAsync("answer", 5);
        var textBefore = await page.TextAsync("answer");

        await producer.Streaming.RestartAsync(stream, "run-1");
        for (var seq = 1; seq <= 3; seq++)
        {
            await producer.Streaming.StreamTokenAsync(stream, "run-1", $"n{seq}", expectedSeq: seq);
        }

        await producer.Streaming.CompleteAsync(stream, "run-1");
        await page.WaitForStatusAsync("answer", "completed");

        Assert.Equal("t1t2t3t4t5", textBefore);
        Assert.Equal("n1n2n3", await page.TextAsync("answer"));
        Assert.Equal(3, await page.SeqAsync("answer"));
        Assert.Empty(browser.Errors);
    }

    [Fact]
    public async Task AnotherUsersPageCannotWatchTheThreadAndSaysWhy()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync("alice's");
        var (mallory, page) = await SignedInPageAsync();
        using var _ = mallory;
        await using var browser = page.Browser;

        await page.WatchAsync(threadId);
        await browser.WaitForAsync("() => !document.getElementById('error').hidden", "the refusal being shown");
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", 10);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        var error = await page.ErrorAsync();
        Assert.Contains(threadId, error);
        Assert.Contains("forbidden:", error);
        Assert.Equal("forbidden", await browser.Page.Locator("#error").GetAttributeAsync("data-code"));
        Assert.Equal(0, await browser.Page.Locator("#streams .stream").CountAsync());
        Assert.Equal("—", await browser.Page.Locator("#current-thread").TextContentAsync());
        Assert.True(await browser.Page.Locator("#start-run").IsDisabledAsync(), "no run can be started on a thread that was refused");
    }

    [Fact]
    public async Task APageReloadedMidStreamShowsWhatItKeptAndGoesOnWithoutShowingATokenTwice()
    {
        var userId = $"page-{Guid.NewGuid():N}"[..20];
        using var user = await UserSession.SignInAsync(fixture.ApiEndpoint, userId);
        var page = await LiveThreadPage.OpenAsync(chromium, fixture.ApiEndpoint);
        await using var browser = page.Browser;
        await page.SignInAsync(userId);
        var threadId = await page.CreateThreadAsync("browser: reload");
        // Past the middle of the reply (60 tokens): whatever the reload takes, a page that goes on from
        // its kept position replays fewer tokens than it had shown, and one that starts again replays more.
        // The reload must land mid-stream; on a loaded machine the reply may end before the page is read,
        // so that attempt is let finish and another run tried.
        string streamId;
        long seqAtReload;
        var attempt = 0;
        do
        {
            attempt++;
            (_, streamId) = await page.StartRunAsync($"Survive a reload ({attempt}).");
            await page.WaitForSeqAsync(streamId, 35);
            seqAtReload = await page.SeqAsync(streamId);
            if (await page.StatusAsync(streamId) == "streaming")
            {
                break;
            }

            await page.WaitForStatusAsync(streamId, "completed");
        }
        while (attempt < 3);

        await browser.Page.ReloadAsync();
        await page.SignInAsync(userId);
        await page.WatchAsync(threadId);
        await page.WaitForStatusAsync(streamId, "completed");

        var produced = await ProducedAsync(user, threadId, streamId);
        Assert.Equal(Text(produced), await page.TextAsync(streamId));
        Assert.Equal(produced.LastSeq, await page.SeqAsync(streamId));
        // Only what came after the kept position was replayed (the page saves it every 200 ms, so it may
        // have kept a few tokens less than it showed): a page showing the stream from seq 1 again would
        // replay at least the seqAtReload tokens it showed before.
        var replayed = await page.CounterAsync("replayed");
        TestContext.Current.TestOutputHelper?.WriteLine($"reload at seq {seqAtReload} of {produced.LastSeq}; replayed after it {replayed}");
        Assert.True(seqAtReload < produced.LastSeq, $"the reload was mid-stream (seq {seqAtReload} of {produced.LastSeq})");
        Assert.True(replayed < seqAtReload, $"replayed {replayed} of {produced.LastSeq} tokens after a reload at seq {seqAtReload}");
        Assert.Empty(browser.Errors);
    }

    private async Task<(UserSession User, LiveThreadPage Page)> SignedInPageAsync()
    {
        var userId = $"page-{Guid.NewGuid():N}"[..20];
        var user = await UserSession.SignInAsync(fixture.ApiEndpoint, userId);
        var page = await LiveThreadPage.OpenAsync(chromium, fixture.ApiEndpoint);
        await page.SignInAsync(userId);
        return (user, page);
    }

    /// <summary>What the worker produced, as the REST replay returns it from the stream's log.</summary>
    private static Task<StreamTokensPage> ProducedAsync(UserSession user, string threadId, string streamId) =>
        user.GetTokensAsync(threadId, streamId, after: 0);

    private static string Text(StreamTokensPage page) => string.Concat(page.Tokens.Select(token => token.Token));
}
