using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReHome.Contracts;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Naming;
using ReHome.Streaming.RateLimiting;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Http;

/// <summary>Hostile and malformed hub calls: a coded answer, never a generic error, and no error in the server's log.</summary>
public sealed class HubBadInputTests(AppFixture fixture)
{
    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ReplayAfterTheLargestPossibleSeqCompletesEmpty(string protocol)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "answer"), "run-1", 3);
        await using var connection = Connect(alice, protocol);
        await connection.StartAsync(cancellation);

        var replayed = await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", long.MaxValue, cancellation).ToListAsync(cancellation);
        var all = await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", 0L, cancellation).ToListAsync(cancellation);

        Assert.Empty(replayed);
        Assert.Equal([1L, 2L, 3L], all.Select(token => token.Seq));
        // Ended, so no live stream is left for every process's stuck-stream check a minute later.
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "answer"), "run-1", cancellation);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ArgumentsThatDoNotBindAreInvalidArguments(string protocol)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var connection = Connect(alice, protocol);
        await connection.StartAsync(cancellation);

        var beyondLong = await Assert.ThrowsAsync<HubException>(async () =>
            await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer", ulong.MaxValue, cancellation).ToListAsync(cancellation));
        var notAString = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", 42, cancellation));
        var missing = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Cancel", threadId, cancellation));
        var unknown = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("DropDatabase", cancellation));

        Assert.All([beyondLong, notAString, missing], error => Assert.StartsWith(HubErrors.InvalidArgumentCode, error.Message));
        Assert.Contains("does not exist", unknown.Message);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task IdsWithATrailingNewlineAreInvalidArguments()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(cancellation);

        var subscribe = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", threadId + "\n", cancellation));
        var replay = await Assert.ThrowsAsync<HubException>(async () =>
            await connection.StreamAsync<TokenEvent>("Replay", threadId, "answer\n", 0L, cancellation).ToListAsync(cancellation));
        var cancel = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Cancel", threadId, "run-1\n", cancellation));

        Assert.All([subscribe, replay, cancel], error => Assert.StartsWith(HubErrors.InvalidArgumentCode, error.Message));
    }

    [Fact]
    public async Task AFloodOfRefusedHubCallsIsRateLimitedPerUserAndLogsNoError()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        await using var replica = ApiReplica.Start(
            ApiReplica.SettingsLike(fixture.RedisConnectionString),
            web => web.ConfigureLogging(logging => logging.AddProvider(logs)));
        using var mallory = await UserSession.SignInAsync(replica.BaseAddress);
        using var alice = await UserSession.SignInAsync(replica.BaseAddress);
        var aliceThread = await alice.CreateThreadAsync();
        await using var connection = mallory.CreateHubConnection();
        await connection.StartAsync(cancellation);

        var answers = new List<string>();
        for (var call = 0; call < 1_000; call++)
        {
            var error = await Assert.ThrowsAsync<HubException>(() => (call % 4) switch
            {
                0 => connection.InvokeAsync<SubscribeResult>("Subscribe", $"missing-{call}", cancellation),
                1 => connection.InvokeAsync<SubscribeResult>("Subscribe", aliceThread, cancellation),
                2 => connection.InvokeAsync("Cancel", aliceThread, "run-1", cancellation),
                _ => connection.StreamAsync<TokenEvent>("Replay", $"missing-{call}", "answer", 0L, cancellation).ToListAsync(cancellation).AsTask(),
            });
            answers.Add(error.Message[..error.Message.IndexOf(':', StringComparison.Ordinal)]);
        }

        var invalid = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", "bad id!", cancellation));
        await using var aliceConnection = alice.CreateHubConnection();
        await aliceConnection.StartAsync(cancellation);
        var owner = await aliceConnection.InvokeAsync<SubscribeResult>("Subscribe", aliceThread, cancellation);

        var limit = new ThreadActionLimitOptions().RefusalsPerWindow;
        Assert.Empty(logs.AtLeast(LogLevel.Warning));
        Assert.Equal(Enumerable.Repeat(HubErrors.ForbiddenCode, limit), answers.Take(limit));
        Assert.All(answers.Skip(limit), answer => Assert.Equal(HubErrors.RateLimitedCode, answer));
        Assert.StartsWith(HubErrors.RateLimitedCode, invalid.Message);
        Assert.Equal(aliceThread, owner.ThreadId);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task AnUnexpectedFailureInAHubMethodIsStillLoggedAsAnError()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var logs = new CapturedLogs();
        await using var replica = ApiReplica.Start(
            ApiReplica.SettingsLike(fixture.RedisConnectionString),
            web => web.ConfigureLogging(logging => logging.AddProvider(logs)));
        using var alice = await UserSession.SignInAsync(replica.BaseAddress);
        var threadId = await alice.CreateThreadAsync();
        await using var connection = alice.CreateHubConnection();
        await connection.StartAsync(cancellation);
        // A thread key of the wrong type: reading it fails in Redis, which is the server's fault, not the client's.
        var redis = replica.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await redis.KeyDeleteAsync(StreamNames.Keys.Thread(threadId));
        await redis.StringSetAsync(StreamNames.Keys.Thread(threadId), "not a hash");

        var error = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation));

        Assert.DoesNotContain("WRONGTYPE", error.Message);
        Assert.Contains(logs.AtLeast(LogLevel.Error), entry => entry.Exception is RedisServerException);
    }

    private static HubConnection Connect(UserSession user, string protocol) =>
        user.CreateHubConnection(useMessagePack: protocol == "messagepack");
}
