using System.Net;
using System.Net.Sockets;
using ReHome.Client;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>ReHome.Client against the real api replicas: every token once and in order while the api it talks to goes away.</summary>
public sealed class ReHomeClientFailoverTests(AppFixture fixture)
{
    private const int TokenCount = 300;

    [Fact]
    public async Task WhenItsApiStopsTheClientMovesToTheNextAddressAndHandsOnEveryTokenExactlyOnce()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var replica = ApiReplica.Start(ApiReplica.SettingsLike(fixture.RedisConnectionString));
        await using var client = alice.CreateClient(replica.BaseAddress, fixture.ApiEndpoint);
        await client.ConnectAsync(cancellation);
        Assert.Equal(replica.BaseAddress, client.ConnectedTo);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);

        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", TokenCount / 3);
        await log.WaitForTokensAsync(TokenCount / 3, TestTimeouts.Default);

        await replica.DisposeAsync();
        // Written while the client has no connection or is moving to the other api, then live on it.
        await producer.EmitAsync(stream, "run-1", TokenCount / 3, from: (TokenCount / 3) + 1);
        await producer.EmitAsync(stream, "run-1", TokenCount / 3, pause: TimeSpan.FromMilliseconds(2), from: (2 * TokenCount / 3) + 1);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

        await log.WaitForEndedAsync("answer", TestTimeouts.Recovery);
        Assert.Equal(fixture.ApiEndpoint, client.ConnectedTo);
        AssertExactlyOnce(log, TokenCount);
        Assert.Equal(TokenCount, Assert.Single(log.Ends).LastSeq);
    }

    [Fact]
    public async Task AnApiRestartedAtTheSameAddressIsReconnectedToWithBackOffAndEveryTokenArrivesExactlyOnce()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var port = FreePort();
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        var replica = ApiReplica.Start(settings, port: port);
        var address = replica.BaseAddress;
        await using var client = alice.CreateClient(address);
        await client.ConnectAsync(cancellation);
        var log = new ThreadRecorder();
        await using var subscription = await client.SubscribeAsync(threadId, log.Handlers, cancellationToken: cancellation);

        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", TokenCount / 2);
        await log.WaitForTokensAsync(TokenCount / 2, TestTimeouts.Default);

        await replica.DisposeAsync();
        // The api is down while the next tokens are written: the client's attempts fail and back off.
        await producer.EmitAsync(stream, "run-1", TokenCount / 4, from: (TokenCount / 2) + 1);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation);
        await using var restarted = ApiReplica.Start(settings, port: port);
        Assert.Equal(address, restarted.BaseAddress);
        await producer.EmitAsync(stream, "run-1", TokenCount / 4, pause: TimeSpan.FromMilliseconds(2), from: (3 * TokenCount / 4) + 1);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);

        await log.WaitForEndedAsync("answer", TestTimeouts.Recovery);
        AssertExactlyOnce(log, TokenCount);
    }

    internal static void AssertExactlyOnce(ThreadRecorder log, int count)
    {
        var tokens = log.Tokens;
        Assert.Equal(Enumerable.Range(1, count).Select(seq => (long)seq), tokens.Select(token => token.Event.Seq));
        Assert.Equal(Enumerable.Range(1, count).Select(seq => $"t{seq}"), tokens.Select(token => token.Event.Token));
        Assert.Single(tokens.Select(token => token.Event.Epoch).Distinct());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
