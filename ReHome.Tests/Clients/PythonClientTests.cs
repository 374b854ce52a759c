using System.Text.Json;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Clients;

/// <summary>
/// The Python client (clients/python, run as watch.py in a real process) against the real api replicas:
/// every token once and in order across failover, resume from a position, hub refusals by code.
/// </summary>
public sealed class PythonClientTests(AppFixture fixture)
{
    private const int TokenCount = 300;

    [Fact]
    public async Task WhenItsApiStopsThePythonClientMovesToTheNextAddressAndPrintsEveryTokenExactlyOnce()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var replica = ApiReplica.Start(ApiReplica.SettingsLike(fixture.RedisConnectionString));
        var replicaUrl = replica.BaseAddress.ToString();
        var fixtureUrl = fixture.ApiEndpoint.ToString();
        using var watch = PythonWatchProcess.Start("--api", replicaUrl, "--api", fixtureUrl, "--token", alice.AccessToken, "--thread", threadId, "--stream", "answer",
            // Off, so what brings the tokens back is the reconnect's subscribe and replay, not the fallback.
            "--silent-stream-timeout", "0");
        try
        {
            await watch.WaitForLineAsync("subscribed", TestTimeouts.Default);
            Assert.Equal(replicaUrl, ConnectedUrls(watch).First());

            await using var producer = await StreamProducer.StartAsync(fixture);
            var stream = new StreamRef(threadId, "answer");
            await producer.EmitAsync(stream, "run-1", TokenCount / 3);
            await watch.WaitForTokensAsync(TokenCount / 3, TestTimeouts.Default);

            await replica.DisposeAsync();
            // Written while the client has no connection or is moving to the other api, then live on it.
            await producer.EmitAsync(stream, "run-1", TokenCount / 3, from: (TokenCount / 3) + 1);
            await producer.EmitAsync(stream, "run-1", TokenCount / 3, pause: TimeSpan.FromMilliseconds(2), from: (2 * TokenCount / 3) + 1);
            await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

            Assert.True(await watch.WaitForExitAsync(TestTimeouts.Recovery) == 0, watch.Transcript);
        }
        finally
        {
            await replica.DisposeAsync();
        }

        Assert.Equal([replicaUrl, fixtureUrl], ConnectedUrls(watch));
        AssertExactlyOnce(watch, 1, TokenCount);
        var ended = watch.Lines[^1];
        Assert.Equal(TokenCount, ended.GetProperty("ended").GetProperty("lastSeq").GetInt64());
        Assert.True(ended.GetProperty("statistics").GetProperty("reconnects").GetInt32() >= 1, watch.Transcript);
        Assert.All(watch.Tokens, token => Assert.True(token.GetProperty("latencyMs").GetDouble() >= -1000, watch.Transcript));
    }

    [Fact]
    public async Task ThePythonClientResumedFromAPositionPrintsOnlyTheTokensAfterIt()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using (var producer = await StreamProducer.StartAsync(fixture))
        {
            var stream = new StreamRef(threadId, "answer");
            await producer.EmitAsync(stream, "run-1", 50);
            await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        }

        var epoch = (await alice.GetTokensAsync(threadId, "answer")).Epoch;
        Assert.NotNull(epoch);
        using var watch = PythonWatchProcess.Start(
            "--api", fixture.ApiEndpoint.ToString(), "--token", alice.AccessToken, "--thread", threadId,
            "--stream", "answer", "--after", "20", "--epoch", epoch, "--iterate");

        Assert.True(await watch.WaitForExitAsync(TestTimeouts.Default) == 0, watch.Transcript);
        AssertExactlyOnce(watch, 21, 50);
        Assert.Contains(watch.Lines, line => line.TryGetProperty("ended", out _));
    }

    [Fact]
    public async Task TokensTheServerSendsTwiceArePrintedOnceAndCountedAsDuplicatesDropped()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        using var watch = PythonWatchProcess.Start(
            "--api", fixture.ApiEndpoint.ToString(), "--token", alice.AccessToken, "--thread", threadId, "--stream", "answer");
        await watch.WaitForLineAsync("subscribed", TestTimeouts.Default);
        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");

        await producer.Streaming.StreamTokensAsync(stream, "run-1", ["t1", "t2", "t3"], firstSeq: 1, cancellation);
        await watch.WaitForTokensAsync(3, TestTimeouts.Default);
        // A writer retrying a group it is not sure landed: the script publishes seqs 2 and 3 again, as the log holds them.
        await producer.Streaming.StreamTokensAsync(stream, "run-1", ["again", "again", "t4"], firstSeq: 2, cancellation);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

        Assert.True(await watch.WaitForExitAsync(TestTimeouts.Default) == 0, watch.Transcript);
        AssertExactlyOnce(watch, 1, 4);
        var statistics = watch.Lines[^1].GetProperty("statistics");
        Assert.True(statistics.GetProperty("duplicatesDropped").GetInt32() >= 2, watch.Transcript);
    }

    [Fact]
    public async Task AHubRefusalOfAnotherUsersThreadIsReportedAsForbidden()
    {
        using var alice = await fixture.SignInAsync();
        using var bob = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        using var watch = PythonWatchProcess.Start("--api", fixture.ApiEndpoint.ToString(), "--token", bob.AccessToken, "--thread", threadId);

        Assert.True(await watch.WaitForExitAsync(TestTimeouts.Default) == 3, watch.Transcript);
        var error = watch.Lines.Single(line => line.TryGetProperty("error", out _));
        Assert.Equal("forbidden", error.GetProperty("error").GetString());
        Assert.StartsWith("forbidden:", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(watch.Tokens);
    }

    private static string[] ConnectedUrls(PythonWatchProcess watch) =>
        [.. watch.Lines.Where(line => line.TryGetProperty("connected", out _)).Select(line => line.GetProperty("connected").GetString()!)];

    private static void AssertExactlyOnce(PythonWatchProcess watch, int first, int last)
    {
        var tokens = watch.Tokens;
        var expected = Enumerable.Range(first, last - first + 1).ToArray();
        Assert.True(expected.SequenceEqual(tokens.Select(token => token.GetProperty("seq").GetInt32())), watch.Transcript);
        Assert.Equal(expected.Select(seq => $"t{seq}"), tokens.Select(token => token.GetProperty("token").GetString()));
        Assert.Single(tokens.Select(token => token.GetProperty("epoch").GetString()).Distinct());
    }
}
