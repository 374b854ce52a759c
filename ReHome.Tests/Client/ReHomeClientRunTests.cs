using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>ReHome.Client with a real run of the worker: run updates in version order, and stopping the run.</summary>
public sealed class ReHomeClientRunTests(AppFixture fixture)
{
    [Fact]
    public async Task CancellingARunThroughTheClientEndsItsStreamCancelledAndRunUpdatesOnlyMoveForward()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var client = alice.CreateClient(fixture.ApiEndpoint, fixture.SecondApi.BaseAddress);
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);

        var run = await alice.CreateRunAsync(threadId, "a long answer, please");
        await log.WaitForTokensAsync(5, TestTimeouts.Default);
        await client.CancelAsync(threadId, run.Id, cancellation);
        await log.WaitForEndedAsync(run.StreamId, TestTimeouts.Default);
        await Eventually.MatchesAsync(
            () => Task.FromResult(log.RunUpdates is [.., var last] ? last.Status : null), status => status == RunStatuses.Cancelled, TestTimeouts.Default, "the run turning cancelled");

        var ended = Assert.Single(log.Ends);
        Assert.Equal(StreamStatuses.Cancelled, ended.Status);
        Assert.Equal(Enumerable.Range(1, (int)ended.LastSeq).Select(seq => (long)seq), log.Tokens.Select(token => token.Event.Seq));
        // Handed on only when newer: versions strictly grow, whatever order the api and worker sent them in.
        var versions = log.RunUpdates.Where(update => update.Id == run.Id).Select(update => update.Version).ToArray();
        Assert.Equal(versions.Order().Distinct(), versions);
        Assert.Equal(RunStatuses.Cancelled, (await alice.GetRunAsync(threadId, run.Id)).Status);
    }
}
