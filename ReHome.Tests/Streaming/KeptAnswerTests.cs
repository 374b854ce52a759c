using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ReHome.Contracts;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Http;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;
using static ReHome.Streaming.Naming.StreamNames;

namespace ReHome.Tests.Streaming;

/// <summary>
/// A stream's answer outlives its log (<c>Streaming:AnswerRetention</c>): workers here forget logs, meta and
/// end records after a second, and a thread opened after that still shows every past answer — over the hub,
/// over REST, and on its runs.
/// </summary>
public sealed class KeptAnswerTests(AppFixture fixture) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> ForgetfulStreams = new()
    {
        ["Streaming:LogRetention"] = "00:00:01",
        ["Streaming:EndedRetention"] = "00:00:01",
    };

    private ConnectionMultiplexer _redis = null!;

    private IDatabase Redis => _redis.GetDatabase();

    public async ValueTask InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);

    [Fact]
    public async Task ACompletedRunsTokensReplayedAfterItsLogExpiredEqualWhatWasStreamedLiveAndItsRunShowsTheOutput()
    {
        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync(ForgetfulStreams);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using (client)
        {
            var run = await alice.CreateRunAsync(threadId, "remember me");
            await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);
            await receiver.WaitForSeqAsync(run.StreamId, receiver.Ended(run.StreamId)!.LastSeq, TestTimeouts.Default);
            var live = receiver.Shown(run.StreamId);
            var stream = new StreamRef(threadId, run.StreamId);
            await WaitUntilForgottenAsync(stream);

            // Tomorrow: a new connection opens the thread.
            await using var tomorrow = alice.CreateHubConnection(lane.Api.BaseAddress);
            await tomorrow.StartAsync(TestContext.Current.CancellationToken);
            var subscribed = await tomorrow.InvokeAsync<SubscribeResult>("Subscribe", threadId, TestContext.Current.CancellationToken);
            var replayed = await ReplayAsync(tomorrow, threadId, run.StreamId);
            var page = await alice.GetTokensAsync(threadId, run.StreamId);
            var finished = await alice.GetRunAsync(threadId, run.Id);
            var thread = await ThreadPages.GetAsync(alice, threadId);

            receiver.AssertShownOnce(run.StreamId, 20);
            var summary = Assert.Single(subscribed.Streams);
            Assert.Equal((run.Id, StreamStatuses.Completed, 20L, live[0].Epoch), (summary.RunId, summary.Status, summary.LastSeq, summary.Epoch));
            Assert.Equal(Names(live), Names(replayed));
            Assert.Equal((StreamStatuses.Completed, 20L, live[0].Epoch), (page.Status, page.LastSeq, page.Epoch));
            Assert.Equal(Names(live), Names(page.Tokens));
            Assert.Equal((RunStatuses.Completed, 20L, Text(live)), (finished.Status, finished.LastSeq, finished.Output));
            Assert.Equal([(run.Id, 20L, Text(live))], thread.Runs.Select(seen => (seen.Id, seen.LastSeq, seen.Output)));
            Assert.All(subscribed.Runs ?? [], seen => Assert.Null(seen.Output));
        }
    }

    [Fact]
    public async Task ACancelledRunKeepsWhatItWroteAfterItsLogExpired()
    {
        await using var lane = WorkerLane.Start(fixture);
        await lane.StartWorkerAsync(new Dictionary<string, string?>(ForgetfulStreams)
        {
            ["Agent:Offline:TokensPerSecond"] = "20",
            ["Agent:Offline:ReplyTokens"] = "400",
        });
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using (client)
        {
            var run = await alice.CreateRunAsync(threadId, "stop me");
            await receiver.WaitForSeqAsync(run.StreamId, 3, TestTimeouts.Default);
            (await alice.Http.PostAsync($"/api/threads/{threadId}/runs/{run.Id}/cancel", null, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);
            // The client hands the end on once it has shown every token up to it (replaying what it missed).
            var ended = receiver.Ended(run.StreamId)!;
            var shown = receiver.Shown(run.StreamId);
            await WaitUntilForgottenAsync(new StreamRef(threadId, run.StreamId));

            var page = await alice.GetTokensAsync(threadId, run.StreamId);
            await using var later = alice.CreateHubConnection(lane.Api.BaseAddress);
            await later.StartAsync(TestContext.Current.CancellationToken);
            var replayed = await ReplayAsync(later, threadId, run.StreamId);
            var finished = await Eventually.MatchesAsync(
                () => alice.GetRunAsync(threadId, run.Id), seen => seen.Status == RunStatuses.Cancelled, TestTimeouts.Default, "the run cancelled");

            Assert.Equal(StreamStatuses.Cancelled, ended.Status);
            Assert.InRange(ended.LastSeq, 3, 399);
            receiver.AssertShownOnce(run.StreamId, ended.LastSeq);
            Assert.Equal((StreamStatuses.Cancelled, ended.LastSeq, ended.Epoch), (page.Status, page.LastSeq, page.Epoch));
            Assert.Equal(Names(shown), Names(page.Tokens));
            Assert.Equal(Names(shown), Names(replayed));
            Assert.Equal(Text(shown), finished.Output);
        }
    }

    [Fact]
    public async Task AStreamTheReaperAbortedKeepsWhatWasWrittenAfterItsLogExpired()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "silent");
        await using var writer = await WorkerLikeHost.StartAsync(fixture.RedisConnectionString, settings: ForgetfulStreams);
        var streaming = writer.Services.GetRequiredService<StreamingService>();
        var written = new List<TokenEvent>();
        for (var seq = 1; seq <= 3; seq++)
        {
            written.Add(await streaming.StreamTokenAsync(stream, "run-silent", $"t{seq} ", expectedSeq: seq, TestContext.Current.CancellationToken));
        }

        // The reaper's own step: abort only if idle since then.
        var aborted = await streaming.AbortIfIdleAsync(stream, DateTimeOffset.UtcNow.AddSeconds(1), "no activity", TestContext.Current.CancellationToken);
        await WaitUntilForgottenAsync(stream);
        var page = await alice.GetTokensAsync(threadId, stream.StreamId);
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, TestContext.Current.CancellationToken);
        var replayed = await ReplayAsync(connection, threadId, stream.StreamId);

        Assert.Equal((StreamStatuses.Aborted, 3L), (aborted?.Status, aborted?.LastSeq));
        Assert.Equal((StreamStatuses.Aborted, 3L, written[0].Epoch), (page.Status, page.LastSeq, page.Epoch));
        Assert.Equal(Names(written), Names(page.Tokens));
        Assert.Equal(Names(written), Names(replayed));
        Assert.Equal([("silent", StreamStatuses.Aborted, 3L)], subscribed.Streams.Select(summary => (summary.StreamId, summary.Status, summary.LastSeq)));
    }

    [Fact]
    public async Task AStreamLongerThanItsLogKeepsTheTokensItsLogStillHeldWithTheirSeqsAndUnicodeText()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "long");
        await using var writer = await WorkerLikeHost.StartAsync(
            fixture.RedisConnectionString, settings: new Dictionary<string, string?>(ForgetfulStreams) { ["Streaming:LogMaxLength"] = "100" });
        var streaming = writer.Services.GetRequiredService<StreamingService>();
        var texts = Enumerable.Range(1, 400).Select(seq => seq % 3 == 0 ? $"é{seq}😀 " : $"t{seq},").ToArray();
        for (var first = 1; first <= texts.Length; first += 50)
        {
            await streaming.StreamTokensAsync(stream, "run-long", texts[(first - 1)..(first + 49)], first, TestContext.Current.CancellationToken);
        }

        var logged = await writer.Services.GetRequiredService<StreamLog>().ReadAfterAsync(stream, 0, 1_000);
        await streaming.CompleteAsync(stream, "run-long", TestContext.Current.CancellationToken);
        await WaitUntilForgottenAsync(stream);
        var page = await alice.GetTokensAsync(threadId, stream.StreamId);
        var tail = await alice.GetTokensAsync(threadId, stream.StreamId, after: 390);

        Assert.InRange(logged.Count, 100, 399);
        Assert.Equal((StreamStatuses.Completed, 400L), (page.Status, page.LastSeq));
        Assert.Equal(Names(logged), Names(page.Tokens));
        Assert.Equal(Enumerable.Range(401 - logged.Count, logged.Count).Select(seq => (long)seq), page.Tokens.Select(token => token.Seq));
        Assert.Equal(texts[(400 - logged.Count)..], page.Tokens.Select(token => token.Token));
        Assert.Equal(texts[390..], tail.Tokens.Select(token => token.Token));
        Assert.Equal(391L, tail.Tokens[0].Seq);
    }

    [Fact]
    public async Task ClaimingAForgottenStreamIdForANewRunClearsTheOldRunsAnswer()
    {
        await using var lane = WorkerLane.Start(fixture);
        var worker = await lane.StartWorkerHostAsync(ForgetfulStreams);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "reused");
        var first = await alice.CreateRunAsync(threadId, "first question", streamId: stream.StreamId);
        var done = await Eventually.MatchesAsync(
            () => alice.GetRunAsync(threadId, first.Id), run => run.Status == RunStatuses.Completed, TestTimeouts.Default, "the first run completing");
        await WaitUntilForgottenAsync(stream);
        var keptBefore = await alice.GetRunAsync(threadId, first.Id);
        // Nobody takes the second run: what the claim did stays visible.
        await worker.DisposeAsync();

        var second = await alice.CreateRunAsync(threadId, "second question", streamId: stream.StreamId);
        var firstAfter = await alice.GetRunAsync(threadId, first.Id);
        var page = await alice.GetTokensAsync(threadId, stream.StreamId);

        Assert.Equal(RunStatuses.Completed, done.Status);
        Assert.StartsWith("You asked: \"first question\".", keptBefore.Output);
        Assert.Equal(RunStatuses.Queued, second.Status);
        Assert.False(await Redis.KeyExistsAsync(Keys.Answer(stream)), "the old run's answer is still kept under the claimed stream id");
        Assert.Null(firstAfter.Output);
        Assert.Empty(page.Tokens);
        Assert.Equal(0, page.LastSeq);
    }

    /// <summary>Until the stream's log, meta and end record expired (a second after it ended, here).</summary>
    private async Task WaitUntilForgottenAsync(StreamRef stream) =>
        await Eventually.MatchesAsync(
            async () => await Redis.KeyExistsAsync([Keys.Log(stream), Keys.Meta(stream), Keys.Done(stream)]),
            count => count == 0,
            TestTimeouts.Default,
            $"the log, meta and end record of {stream.Key} expiring");

    private static async Task<List<TokenEvent>> ReplayAsync(HubConnection connection, string threadId, string streamId)
    {
        var tokens = new List<TokenEvent>();
        await foreach (var token in connection.StreamAsync<TokenEvent>("Replay", threadId, streamId, 0L, TestContext.Current.CancellationToken))
        {
            tokens.Add(token);
        }

        return tokens;
    }

    /// <summary>What names a token for a client, and what it shows: seq, epoch, run and text.</summary>
    private static (long Seq, string? Epoch, string RunId, string Token)[] Names(IEnumerable<TokenEvent> tokens) =>
        tokens.Select(token => (token.Seq, token.Epoch, token.RunId, token.Token)).ToArray();

    private static string Text(IEnumerable<TokenEvent> tokens) => string.Concat(tokens.Select(token => token.Token));

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
