using System.Net;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Http;

public sealed class CorsTests(AppFixture fixture)
{
    [Fact]
    public async Task OnlyConfiguredOriginsMayCallTheApiAndHubFromABrowser()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Hub:AllowedOrigins:0"] = "https://app.example";
        await using var api = ApiReplica.Start(settings);
        using var client = new HttpClient { BaseAddress = api.BaseAddress };

        using var allowed = await client.SendAsync(Preflight("/hubs/agent/negotiate", "https://app.example"), cancellation);
        using var refused = await client.SendAsync(Preflight("/api/threads", "https://evil.example"), cancellation);

        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }
}
