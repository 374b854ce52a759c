using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Http;

public sealed class BadInputTests(AppFixture fixture)
{
    public static TheoryData<string, string, string?, HttpStatusCode> BadRequests => new()
    {
        { "POST", "/api/threads", "{\"title\":", HttpStatusCode.BadRequest },
        { "POST", "/api/threads", "[1,2,3]", HttpStatusCode.BadRequest },
        { "POST", "/api/threads", "{\"title\":42}", HttpStatusCode.BadRequest },
        { "POST", "/api/threads", $"{{\"title\":\"{new string('x', 201)}\"}}", HttpStatusCode.BadRequest },
        { "POST", "/api/threads", $"{{\"title\":\"{new string('x', 300_000)}\"}}", HttpStatusCode.RequestEntityTooLarge },
        { "GET", "/api/threads/has%20space", null, HttpStatusCode.BadRequest },
        { "GET", $"/api/threads/{new string('a', 65)}", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/a.b", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/bad%21id/tokens", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1/tokens?after=-1", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1/tokens?after=abc", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1/tokens?after=9223372036854775808", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1%0A/tokens", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}%0A", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1/tokens?limit=1000000", null, HttpStatusCode.BadRequest },
        { "GET", "/api/threads/{thread}/streams/s1/tokens?limit=0", null, HttpStatusCode.BadRequest },
        { "POST", "/api/dev/token", "{\"userId\":\"not valid!\"}", HttpStatusCode.BadRequest },
        { "POST", "/api/dev/token", "nonsense", HttpStatusCode.BadRequest },
        { "POST", "/api/dev/token", "{\"userId\":\"alice\\n\"}", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRestInputGetsA4xxProblemDetailsAndNeverA500(string method, string path, string? body, HttpStatusCode expected)
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{thread}", threadId, StringComparison.Ordinal));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await alice.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task TokensAfterTheLargestPossibleSeqAreAnEmptyPageNotAServerError()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "answer"), "run-1", 3);

        using var response = await alice.Http.GetAsync($"/api/threads/{threadId}/streams/answer/tokens?after={long.MaxValue}", cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonSerializer.Deserialize<StreamTokensPage>(await response.Content.ReadAsStringAsync(cancellation), JsonSerializerOptions.Web)!;
        Assert.Empty(page.Tokens);
        Assert.Equal(3, page.LastSeq);
        // Ended, so no live stream is left for every process's stuck-stream check a minute later.
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "answer"), "run-1", cancellation);
    }

    public static TheoryData<string, string> JsonPosts => new()
    {
        { "/api/threads", "{\"title\":\"charset\"}" },
        { "/api/threads/{thread}/runs", "{\"input\":\"hello\"}" },
        { "/api/dev/token", "{\"userId\":\"alice\"}" },
    };

    [Theory]
    [MemberData(nameof(JsonPosts))]
    public async Task AJsonBodyInACharsetNobodyKnowsGets415ProblemDetails(string path, string body)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, path.Replace("{thread}", threadId, StringComparison.Ordinal))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        using var response = await alice.Http.SendAsync(request, cancellation);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    /// <summary>0xC3 starts a two-byte sequence; 0x28 ('(') cannot continue it.</summary>
    public static TheoryData<string> InvalidUtf8Bodies => new()
    {
        "{\"title\":\"a\u00C3(b\"}",
        "{\"ti\u00C3(tle\":\"x\"}",
        "{\"title\":\"x\",\"note\":\"\u00C3(\"}",
    };

    [Theory]
    [MemberData(nameof(InvalidUtf8Bodies))]
    public async Task ABodyThatIsNotValidUtf8IsRefusedWherever(string latin1Body)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        // Latin-1 bytes of the text: \u00C3 becomes the lone byte 0xC3.
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(latin1Body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await alice.Http.PostAsync("/api/threads", content, cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(expected == response.StatusCode, $"answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task BadHubInputGetsAHubErrorAndOtherClientsKeepTheirConnection()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        await using var bystander = alice.CreateHubConnection();
        var bystanderReceiver = new ThreadRecorder().Listen(bystander);
        await bystander.StartAsync(cancellation);
        await bystander.InvokeAsync<SubscribeResult>("Subscribe", threadId, cancellation);
        await using var careless = alice.CreateHubConnection();
        await careless.StartAsync(cancellation);

        var badId = await Assert.ThrowsAsync<HubException>(() => careless.InvokeAsync<SubscribeResult>("Subscribe", "bad id!", cancellation));
        var badSeq = await Assert.ThrowsAsync<HubException>(async () =>
            await careless.StreamAsync<TokenEvent>("Replay", threadId, "answer", -1L, cancellation).ToListAsync(cancellation));
        var badStream = await Assert.ThrowsAsync<HubException>(async () =>
            await careless.StreamAsync<TokenEvent>("Replay", threadId, new string('s', 65), 0L, cancellation).ToListAsync(cancellation));
        var unknownMethod = await Assert.ThrowsAsync<HubException>(() => careless.InvokeAsync("DropDatabase", cancellation));
        // A message over the hub's size limit closes the sender's connection, and only that one.
        await Assert.ThrowsAnyAsync<Exception>(() => careless.InvokeAsync<SubscribeResult>("Subscribe", new string('x', 64 * 1024), cancellation));

        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(new StreamRef(threadId, "answer"), "run-1", 3);
        await bystanderReceiver.WaitForSeqAsync("answer", 3, TestTimeouts.Default);
        await producer.Streaming.CompleteAsync(new StreamRef(threadId, "answer"), "run-1");

        Assert.All([badId, badSeq, badStream], error => Assert.StartsWith("invalid_argument", error.Message));
        Assert.Contains("does not exist", unknownMethod.Message);
        Assert.Equal(HubConnectionState.Disconnected, careless.State);
        Assert.Equal(HubConnectionState.Connected, bystander.State);
    }
}
