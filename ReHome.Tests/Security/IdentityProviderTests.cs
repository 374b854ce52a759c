using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Contracts;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Security;

/// <summary>
/// Tokens from an OpenID Connect identity provider (<c>Auth:Authority</c>): a real issuer over HTTP,
/// discovery and JWKS, RSA keys, and an in-process API pointed at it.
/// </summary>
public sealed class IdentityProviderTests(AppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATokenFromTheProviderWorksOnRestAndOnTheHubNextToDevTokens()
    {
        await using var issuer = await OidcTestIssuer.StartAsync();
        await using var api = ApiReplica.Start(issuer.ApiSettings(fixture.RedisConnectionString));
        var userId = $"idp-{Guid.NewGuid():N}"[..20];
        using var user = UserSession.WithToken(api.BaseAddress, userId, issuer.Mint(userId));
        using var sameUserWithDevToken = await UserSession.SignInAsync(api.BaseAddress, userId);
        using var someoneElse = UserSession.WithToken(api.BaseAddress, "someone-else", issuer.Mint("someone-else"));

        var threadId = await user.CreateThreadAsync();
        await using var connection = user.CreateHubConnection();
        await connection.StartAsync(Cancellation);
        var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", threadId, Cancellation);
        using var readWithDevToken = await sameUserWithDevToken.Http.GetAsync($"/api/threads/{threadId}", Cancellation);
        await using var otherConnection = someoneElse.CreateHubConnection();
        await otherConnection.StartAsync(Cancellation);
        var refused = await Assert.ThrowsAsync<HubException>(() => otherConnection.InvokeAsync<SubscribeResult>("Subscribe", threadId, Cancellation));

        Assert.NotNull(subscribed);
        Assert.Equal(HttpStatusCode.OK, readWithDevToken.StatusCode);
        Assert.StartsWith("forbidden", refused.Message);
    }

    [Fact]
    public async Task TheUserIdComesFromTheConfiguredClaim()
    {
        await using var issuer = await OidcTestIssuer.StartAsync();
        await using var api = ApiReplica.Start(issuer.ApiSettings(fixture.RedisConnectionString, ("Auth:UserIdClaim", "oid")));
        var objectId = $"oid-{Guid.NewGuid():N}"[..20];
        var subject = $"sub-{Guid.NewGuid():N}"[..20];
        var token = issuer.Mint(subject, claims: new Dictionary<string, object> { ["oid"] = objectId });
        using var user = UserSession.WithToken(api.BaseAddress, objectId, token);
        using var ownerByOid = await UserSession.SignInAsync(api.BaseAddress, objectId);
        using var ownerBySub = await UserSession.SignInAsync(api.BaseAddress, subject);
        using var withoutTheClaim = UserSession.WithToken(api.BaseAddress, subject, issuer.Mint(subject));

        var threadId = await user.CreateThreadAsync();
        using var readAsOid = await ownerByOid.Http.GetAsync($"/api/threads/{threadId}", Cancellation);
        using var readAsSub = await ownerBySub.Http.GetAsync($"/api/threads/{threadId}", Cancellation);
        using var refused = await withoutTheClaim.Http.PostAsync("/api/threads", Json("{}"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, readAsOid.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, readAsSub.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task BadProviderTokensAreEach401OnRest()
    {
        await using var issuer = await OidcTestIssuer.StartAsync();
        await using var api = ApiReplica.Start(issuer.ApiSettings(fixture.RedisConnectionString));
        var tokens = new Dictionary<string, string>
        {
            ["wrong audience"] = issuer.Mint("mallory", audience: "api://someone-else"),
            ["wrong issuer"] = issuer.Mint("mallory", issuer: "https://evil.example/"),
            ["expired"] = issuer.Mint("mallory", expiresAt: DateTimeOffset.UtcNow.AddMinutes(-5)),
            ["unknown kid"] = issuer.Mint("mallory", key: OidcTestIssuer.NewKey()),
            ["unknown key, published kid"] = issuer.Mint("mallory", key: (issuer.CurrentKey.KeyId, System.Security.Cryptography.RSA.Create(2048))),
            ["alg none"] = issuer.MintUnsigned("mallory"),
            ["HS256 with the provider's public key"] = issuer.MintHmacWithPublicKey("mallory"),
        };
        using var good = await PostThreadAsync(api.BaseAddress, issuer.Mint("alice"));

        var answers = new Dictionary<string, HttpStatusCode>();
        foreach (var (why, token) in tokens)
        {
            using var response = await PostThreadAsync(api.BaseAddress, token);
            answers[why] = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.All(answers, answer => Assert.True(answer.Value == HttpStatusCode.Unauthorized, $"{answer.Key}: answered {answer.Value}"));
    }

    [Fact]
    public async Task AKeyRotatedAtTheProviderIsPickedUpWithoutRestartingTheApi()
    {
        await using var issuer = await OidcTestIssuer.StartAsync();
        // The periodic key check (1 minute by default) does not run during the test: only the unknown kid makes the API fetch again.
        await using var api = ApiReplica.Start(issuer.ApiSettings(fixture.RedisConnectionString));
        var oldToken = issuer.Mint("rotating-user");
        using var before = await PostThreadAsync(api.BaseAddress, oldToken);

        issuer.Rotate();
        var newToken = issuer.Mint("rotating-user");
        var withNewKey = await Eventually.MatchesAsync(
            async () => { using var response = await PostThreadAsync(api.BaseAddress, newToken); return response.StatusCode; },
            status => status == HttpStatusCode.Created,
            TestTimeouts.Default,
            "a token signed with the provider's new key being accepted");
        using var withOldKey = await PostThreadAsync(api.BaseAddress, oldToken);

        Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withNewKey);
        Assert.Equal(HttpStatusCode.Unauthorized, withOldKey.StatusCode);
    }

    [Fact]
    public async Task AHubConnectionSignedByAKeyTheProviderRemovedIsClosedWhileOthersStayOpen()
    {
        await using var issuer = await OidcTestIssuer.StartAsync();
        await using var api = ApiReplica.Start(issuer.ApiSettings(fixture.RedisConnectionString, ("Auth:KeyRefreshInterval", "00:00:02")));
        var userId = $"idp-{Guid.NewGuid():N}"[..20];
        using var user = UserSession.WithToken(api.BaseAddress, userId, issuer.Mint(userId));
        using var devUser = await UserSession.SignInAsync(api.BaseAddress, userId);
        var threadId = await user.CreateThreadAsync();
        await using var signedByOldKey = user.CreateHubConnection();
        await using var signedByOwnKey = devUser.CreateHubConnection();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signedByOldKey.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await signedByOldKey.StartAsync(Cancellation);
        await signedByOwnKey.StartAsync(Cancellation);
        await signedByOldKey.InvokeAsync<SubscribeResult>("Subscribe", threadId, Cancellation);

        issuer.Rotate();
        await closed.Task.WaitAsync(TestTimeouts.Default, Cancellation);
        await using var signedByNewKey = user.CreateHubConnection(accessToken: issuer.Mint(userId));
        await signedByNewKey.StartAsync(Cancellation);
        await Task.Delay(TimeSpan.FromSeconds(5), Cancellation); // two more checks: the new key's connection is not closed
        await signedByNewKey.InvokeAsync<SubscribeResult>("Subscribe", threadId, Cancellation);
        await signedByOwnKey.InvokeAsync<SubscribeResult>("Subscribe", threadId, Cancellation);

        Assert.Equal(HubConnectionState.Disconnected, signedByOldKey.State);
        Assert.Equal(HubConnectionState.Connected, signedByNewKey.State);
        Assert.Equal(HubConnectionState.Connected, signedByOwnKey.State);
    }

    private static async Task<HttpResponseMessage> PostThreadAsync(Uri api, string token)
    {
        using var client = new HttpClient { BaseAddress = api, Timeout = TestTimeouts.Default };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.PostAsync("/api/threads", Json("{}"), Cancellation);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
