using ReHome.Streaming.Runs;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Runs;

public sealed class ProviderTimeoutTests(AppFixture fixture)
{
    [Fact]
    public async Task AProviderThatFallsSilentMidReplyTimesOutAndTheAttemptIsRetriedAtOnceResumingTheReply()
    {
        string[] chunks = ["One", " two", " three", " four", "."];
        await using var provider = await FakeOpenAIServer.StallingOnceAsync(chunks, stall: TimeSpan.FromSeconds(30));
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId, lane.Api.BaseAddress);
        await using var _ = client;
        await lane.StartWorkerAsync(provider.WorkerSettings(("Agent:OpenAI:Timeout", "00:00:01"), ("Queue:RetryDelay", "00:00:00.200")));

        var run = await alice.CreateRunAsync(threadId, "count to four");

        // Well inside the visibility timeout (30 s): retried within the attempt, not left for a takeover.
        await receiver.WaitForRunStatusAsync(run.Id, RunStatuses.Completed, TimeSpan.FromSeconds(20));
        var finished = await alice.GetRunAsync(threadId, run.Id);
        Assert.Equal((RunStatuses.Completed, 2), (finished.Status, finished.Attempts));
        Assert.Equal(2, provider.Requests.Count);
        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal(chunks, log.Tokens.Select(token => token.Token));
    }
}
