using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Ops;

public sealed class BroadcastTests(AppFixture fixture)
{
    [Fact]
    public async Task BroadcastReachesTheThreadsSubscribersAsARealTokenWithItsSeq()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, browser) = await alice.WatchAsync(threadId);
        await using var _ = client;

        var first = await OpsCli.RunAsync(fixture, ["broadcast", threadId, "hello from ops"]);
        var second = await OpsCli.RunAsync(fixture, ["broadcast", threadId, "and again"]);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Matches($@"Broadcast to thread {threadId}: stream ops-broadcast-\d+, seq 1, then the stream ended completed at seq 1\.", first.StandardOutput);
        await Eventually.MatchesAsync(
            () => Task.FromResult(browser.Received.Count), count => count >= 2, TestTimeouts.Default, "both broadcasts reaching the browser");
        var tokens = browser.Received.OrderBy(token => token.EmittedAt).ToArray();
        Assert.Equal(["hello from ops", "and again"], tokens.Select(token => token.Token));
        Assert.All(tokens, token => Assert.Equal((1L, "ops-broadcast"), (token.Seq, token.RunId)));
        // Each broadcast is a stream of its own, so a page that showed the first still shows the second.
        Assert.NotEqual(tokens[0].StreamId, tokens[1].StreamId);
        await browser.WaitForEndedAsync(tokens[1].StreamId, TestTimeouts.Default);
        Assert.Equal(StreamStatuses.Completed, browser.Ended(tokens[1].StreamId)!.Status);
    }

    [Fact]
    public async Task BroadcastToAThreadThatDoesNotExistFails()
    {
        var outcome = await OpsCli.RunAsync(fixture, ["broadcast", "thr_nobody", "hello"]);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Equal("Thread thr_nobody does not exist.", outcome.StandardError.Trim());
    }
}
