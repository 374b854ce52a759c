using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

public sealed class AuthenticationTests(AppFixture fixture)
{
    public static TheoryData<string, string?> RejectedTokens => new()
    {
        { "missing", null },
        { "expired", TestSigningKeys.Mint("alice", TestSigningKeys.Primary, TestSigningKeys.PrimaryId, DateTimeOffset.UtcNow.AddMinutes(-5)) },
        { "unknown key", TestSigningKeys.Mint("alice", TestSigningKeys.Unknown, "someone-elses", DateTimeOffset.UtcNow.AddHours(1)) },
        { "unknown key, known id", TestSigningKeys.Mint("alice", TestSigningKeys.Unknown, TestSigningKeys.PrimaryId, DateTimeOffset.UtcNow.AddHours(1)) },
        { "wrong audience", TestSigningKeys.Mint("alice", TestSigningKeys.Primary, TestSigningKeys.PrimaryId, DateTimeOffset.UtcNow.AddHours(1), audience: "other") },
        { "garbage", "not-a-jwt" },
    };

    [Theory]
    [MemberData(nameof(RejectedTokens))]
    public async Task RestAndHubRefuseARequestWithoutAValidToken(string why, string? token)
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = fixture.ApiEndpoint };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.PostAsync("/api/threads", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), cancellation);
        using var alice = await fixture.SignInAsync();
        await using var connection = alice.CreateHubConnection(accessToken: token ?? string.Empty);
        var hubError = await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync(cancellation));

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: REST answered {response.StatusCode}");
        // Without negotiation the refusal comes on the WebSocket upgrade itself.
        Assert.True(hubError.Message.Contains("401", StringComparison.Ordinal), $"{why}: hub answered {hubError.Message}");
    }

    [Fact]
    public async Task ATokenSignedByTheOlderConfiguredKeyStillWorksBeforeItsNotAfter()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var api = fixture.SecondApi.BaseAddress;
        var token = TestSigningKeys.Mint("rotating-user", TestSigningKeys.Older, "older", DateTimeOffset.UtcNow.AddMinutes(10));
        using var client = new HttpClient { BaseAddress = api };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var created = await client.PostAsync("/api/threads", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), cancellation);
        using var alice = await fixture.SignInAsync();
        await using var connection = alice.CreateHubConnection(api, token);
        await connection.StartAsync(cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task AKeyStopsValidatingAtItsNotAfter()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Auth:SigningKeys:1:Id"] = "retiring";
        settings["Auth:SigningKeys:1:Key"] = TestSigningKeys.Older;
        settings["Auth:SigningKeys:1:NotAfter"] = DateTimeOffset.UtcNow.AddSeconds(3).ToString("O");
        await using var api = ApiReplica.Start(settings);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", TestSigningKeys.Mint("rotating-user", TestSigningKeys.Older, "retiring", DateTimeOffset.UtcNow.AddMinutes(10)));
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        using var before = await client.PostAsync("/api/threads", body, cancellation);
        var after = await Eventually.MatchesAsync(
            async () => (await client.PostAsync("/api/threads", body, cancellation)).StatusCode,
            status => status == HttpStatusCode.Unauthorized,
            TestTimeouts.Default,
            "the retiring key being refused after its NotAfter");

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after);
    }

    [Fact]
    public async Task DevTokensAreA404WhenTurnedOff()
    {
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Auth:DevTokens:Enabled"] = "false";
        await using var api = ApiReplica.Start(settings);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };

        using var response = await client.PostAsync(
            "/api/dev/token", new StringContent("""{"userId":"alice"}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
