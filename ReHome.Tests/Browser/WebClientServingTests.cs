using System.Net;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

public sealed class WebClientServingTests(AppFixture fixture)
{
    [Fact]
    public async Task InDevelopmentThePageIsServedAtTheRootAndImportsTheClientModule()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var http = fixture.CreateHttpClient("api");

        using var page = await http.GetAsync("/", cancellation);
        var script = await http.GetStringAsync("/app.js", cancellation);
        using var client = await http.GetAsync("/js/rehome-client.js", cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("from \"/js/rehome-client.js\"", script);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
        Assert.Equal("text/javascript", client.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ReHomeClient", await client.Content.ReadAsStringAsync(cancellation));
    }

    [Theory]
    [InlineData("Development", "false")]
    [InlineData("Production", null)]
    public async Task WithThePageOffTheRootIsA404AndTheClientModuleIsStillServed(string environment, string? enabled)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["environment"] = environment;
        settings["WebClient:Enabled"] = enabled;
        await using var api = ApiReplica.Start(settings);
        using var http = new HttpClient { BaseAddress = api.BaseAddress };

        using var page = await http.GetAsync("/", cancellation);
        using var index = await http.GetAsync("/index.html", cancellation);
        using var client = await http.GetAsync("/js/rehome-client.js", cancellation);

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, index.StatusCode);
        Assert.Equal(HttpStatusCode.OK, client.StatusCode);
    }

    [Fact]
    public async Task TheSwitchTurnsThePageOnInProduction()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["environment"] = "Production";
        settings["WebClient:Enabled"] = "true";
        await using var api = ApiReplica.Start(settings);
        using var http = new HttpClient { BaseAddress = api.BaseAddress };

        using var page = await http.GetAsync("/", cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<title>ReHome", await page.Content.ReadAsStringAsync(cancellation));
    }
}
