using System.Diagnostics;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Runs;

public sealed class RunLifecycleTests(AppFixture fixture)
{
    [Fact]
    public async Task ARunCreatedOverRestStreamsItsTokensToASubscriberAndCompletes()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;

        var queued = await alice.CreateRunAsync(threadId, "Tell me about exactly-once delivery", RunPriorities.High);
        await receiver.WaitForEndedAsync(queued.StreamId, TestTimeouts.Default);
        await receiver.WaitForRunStatusAsync(queued.Id, RunStatuses.Completed, TestTimeouts.Default);
        var finished = await alice.GetRunAsync(threadId, queued.Id);
        var log = await alice.GetTokensAsync(threadId, queued.StreamId);

        Assert.Equal((RunStatuses.Queued, 0L, 0), (queued.Status, queued.LastSeq, queued.Attempts));
        Assert.Equal((RunStatuses.Completed, 1, RunPriorities.High), (finished.Status, finished.Attempts, finished.Priority));
        Assert.Equal(StreamStatuses.Completed, receiver.Ended(queued.StreamId)!.Status);
        receiver.AssertShownOnce(queued.StreamId, finished.LastSeq);
        Assert.Equal(log.Tokens.Select(token => token.Token), receiver.Received.Select(token => token.Token));
        Assert.StartsWith("You asked: \"Tell me about exactly-once delivery\".", string.Concat(receiver.Received.Select(token => token.Token)));
        // Updates come from the api and the worker and may overtake each other on the way; ordered by
        // their version, the states only move forward, and the newest is the final one.
        string[] lifecycle = [RunStatuses.Queued, RunStatuses.Running, RunStatuses.Completed];
        var byVersion = receiver.RunUpdates.Where(run => run.Id == queued.Id).OrderBy(run => run.Version).ToArray();
        var stages = byVersion.Select(run => Array.IndexOf(lifecycle, run.Status)).ToArray();
        Assert.DoesNotContain(-1, stages);
        Assert.Equal(stages.Order(), stages);
        Assert.Contains(1, stages);
        Assert.Equal((RunStatuses.Completed, finished.Version), (byVersion[^1].Status, byVersion[^1].Version));
        Assert.Equal(3, finished.Version);
    }

    [Fact]
    public async Task StoppingARunDuringGenerationEndsItsStreamCancelledWithinASecondAndNoTokenFollows()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var (client, receiver) = await alice.WatchAsync(threadId);
        await using var _ = client;
        var run = await alice.CreateRunAsync(threadId, "a long answer, please");
        await receiver.WaitForSeqAsync(run.StreamId, 5, TestTimeouts.Default);

        var clock = Stopwatch.StartNew();
        using var stop = await alice.Http.PostAsync($"/api/threads/{threadId}/runs/{run.Id}/cancel", content: null);
        await receiver.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);
        var stoppedWithin = clock.Elapsed;
        var ended = receiver.Ended(run.StreamId)!;
        await Task.Delay(TimeSpan.FromMilliseconds(600));

        Assert.Equal(System.Net.HttpStatusCode.Accepted, stop.StatusCode);
        Assert.Equal(StreamStatuses.Cancelled, ended.Status);
        Assert.True(stoppedWithin < TimeSpan.FromSeconds(1), $"the stream ended {stoppedWithin.TotalMilliseconds:0} ms after the stop");
        Assert.True(ended.LastSeq < 60, "the offline reply (60 tokens) was cut short");
        receiver.AssertShownOnce(run.StreamId, ended.LastSeq);
        Assert.Equal(RunStatuses.Cancelled, (await alice.GetRunAsync(threadId, run.Id)).Status);
    }

    [Fact]
    public async Task StoppingAQueuedRunCancelsItAtOnceAndNoWorkerGeneratesIt()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var run = await alice.CreateRunAsync(threadId, "never mind");

        using var stop = await alice.Http.PostAsync($"/api/threads/{threadId}/runs/{run.Id}/cancel", content: null);
        await lane.StartWorkerAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(RunStatuses.Cancelled, (await alice.GetRunAsync(threadId, run.Id)).Status);
        var log = await alice.GetTokensAsync(threadId, run.StreamId);
        Assert.Equal((StreamStatuses.Cancelled, 0L), (log.Status, log.LastSeq));
        Assert.Empty(log.Tokens);
    }
}
