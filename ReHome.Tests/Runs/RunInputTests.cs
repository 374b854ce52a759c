using System.Net;
using System.Text;
using ReHome.Tests.Infrastructure;
using StackExchange.Redis;

namespace ReHome.Tests.Runs;

public sealed class RunInputTests(AppFixture fixture)
{
    public static TheoryData<string, string, HttpStatusCode> BadRuns => new()
    {
        { "missing thread", """{"input":"hi"}""", HttpStatusCode.NotFound },
        { "someone else's thread", """{"input":"hi"}""", HttpStatusCode.NotFound },
        { "empty input", """{"input":"   "}""", HttpStatusCode.BadRequest },
        { "no input", """{"priority":"high"}""", HttpStatusCode.BadRequest },
        { "oversized input", $$"""{"input":"{{new string('x', 32_001)}}"}""", HttpStatusCode.BadRequest },
        { "unknown priority", """{"input":"hi","priority":"urgent"}""", HttpStatusCode.BadRequest },
        { "bad stream id", """{"input":"hi","streamId":"no spaces allowed"}""", HttpStatusCode.BadRequest },
        { "wrong JSON", """{"input":""", HttpStatusCode.BadRequest },
        { "wrong type", """{"input":["hi"]}""", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRuns))]
    public async Task BadRunRequestsGetProblemDetailsAndQueueNothing(string why, string body, HttpStatusCode expected)
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        using var mallory = await lane.SignInAsync();
        var threadId = why switch
        {
            "missing thread" => "no-such-thread",
            "someone else's thread" => await mallory.CreateThreadAsync(),
            _ => await alice.CreateThreadAsync(),
        };

        using var response = await alice.Http.PostAsync(
            $"/api/threads/{threadId}/runs", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingQueuedAsync(lane);
    }

    [Fact]
    public async Task AStreamIdAlreadyUsedInTheThreadIsAConflictAndQueuesNothingMore()
    {
        await using var lane = WorkerLane.Start(fixture);
        using var alice = await lane.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await alice.CreateRunAsync(threadId, "first", streamId: "answer");

        using var second = await alice.Http.PostAsync(
            $"/api/threads/{threadId}/runs", new StringContent("""{"input":"second","streamId":"answer"}""", Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        Assert.Equal(1, await redis.GetDatabase().StreamLengthAsync($"ai:queue:{lane.QueueName}:default"));
    }

    private async Task AssertNothingQueuedAsync(WorkerLane lane)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        foreach (var priority in new[] { "high", "default" })
        {
            Assert.Equal(0, await redis.GetDatabase().StreamLengthAsync($"ai:queue:{lane.QueueName}:{priority}"));
        }
    }
}
