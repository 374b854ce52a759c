using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Streaming;

/// <summary>
/// Tokens that queue while a stream's previous write is in flight go to Redis in one call (group
/// commit): their seqs stay contiguous, the log stays the truth, and clients still get one
/// <c>agent.thread.token</c> per token, each once.
/// </summary>
public sealed class GroupCommitTests(AppFixture fixture)
{
    [Fact]
    public async Task AGroupAppendedInOneCallGetsContiguousSeqsAndARetriedGroupIsSentAsTheLogHoldsIt()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;
        var (other, otherReceiver) = await alice.WatchAsync(threadId, fixture.SecondApi.BaseAddress);
        await using var __ = other;
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "grouped");

        Assert.Equal(5, await producer.Streaming.StreamTokensAsync(stream, "run-1", ["a1", "a2", "a3", "a4", "a5"], firstSeq: 1));
        Assert.Equal(8, await producer.Streaming.StreamTokensAsync(stream, "run-1", ["b6", "b7", "b8"], firstSeq: 6));
        // A retry of the second group (its answer lost to a timeout) appends nothing, whatever it carries.
        Assert.Equal(8, await producer.Streaming.StreamTokensAsync(stream, "run-1", ["x6", "x7", "x8"], firstSeq: 6));
        // A group that overlaps the log appends only what is new.
        Assert.Equal(9, await producer.Streaming.StreamTokensAsync(stream, "run-1", ["x8", "c9"], firstSeq: 8));
        await producer.Streaming.CompleteAsync(stream, "run-1");

        string[] expected = ["a1", "a2", "a3", "a4", "a5", "b6", "b7", "b8", "c9"];
        var logged = await producer.Log.ReadAfterAsync(stream, 0, 100);
        Assert.Equal(Enumerable.Range(1, 9).Select(seq => (long)seq), logged.Select(token => token.Seq));
        Assert.Equal(expected, logged.Select(token => token.Token));
        // One call, one emittedAt: the group's tokens were handed over together.
        Assert.Single(logged.Take(5).Select(token => token.EmittedAt).Distinct());

        foreach (var watcher in new[] { receiver, otherReceiver })
        {
            await watcher.WaitForEndedAsync("grouped", TestTimeouts.Default);
            Assert.Equal(9, watcher.Ended("grouped")!.LastSeq);
            // Each seq arrived live in order; the retried ones came again as the log holds them (the
            // client drops them as seen), never with the retry's text.
            Assert.Equal(expected, watcher.Shown("grouped").Select(token => token.Token));
            Assert.Equal(Enumerable.Range(1, 9).Select(seq => (long)seq), watcher.Shown("grouped").Select(token => token.Seq));
            Assert.All(watcher.Tokens, token => Assert.False(token.Replayed, $"seq {token.Event.Seq} came by replay, not live"));
            Assert.All(watcher.Tokens.Concat(watcher.Duplicates), token => Assert.Equal(expected[token.Event.Seq - 1], token.Event.Token));
        }
    }

    [Fact]
    public async Task AProviderFasterThanRedisHasItsTokensGroupedAndLiveTextEqualsReplayedText()
    {
        const int replyTokens = 3_000;
        await using var lane = WorkerLane.Start(fixture);
        // Unpaced: the provider hands over tokens faster than Redis calls return, so they queue and group.
        await lane.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Agent:Offline:TokensPerSecond"] = "0",
            ["Agent:Offline:ReplyTokens"] = replyTokens.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;

        var run = await alice.CreateRunAsync(threadId, "group commit");
        await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);

        var replayed = new List<TokenEvent>();
        for (var page = await alice.GetTokensAsync(threadId, run.StreamId); page.Tokens.Count > 0; page = await alice.GetTokensAsync(threadId, run.StreamId, replayed[^1].Seq))
        {
            replayed.AddRange(page.Tokens);
        }

        Assert.Equal(replyTokens, receiver.Ended(run.StreamId)!.LastSeq);
        Assert.Equal(Enumerable.Range(1, replyTokens).Select(seq => (long)seq), replayed.Select(token => token.Seq));
        // Every token live, once, in order, with the text the log holds.
        Assert.Equal(replayed.Select(token => (token.Seq, token.Token)), receiver.Received.Select(token => (token.Seq, token.Token)));
        Assert.All(receiver.Tokens, token => Assert.False(token.Replayed, $"seq {token.Event.Seq} came by replay, not live"));
        Assert.Empty(receiver.LiveDuplicates);
        // Grouped: far fewer writes (distinct emittedAt) than tokens.
        var writes = replayed.Select(token => token.EmittedAt).Distinct().Count();
        Assert.True(writes < replyTokens / 2, $"{writes} writes for {replyTokens} tokens: the tokens were not grouped");
    }
}
