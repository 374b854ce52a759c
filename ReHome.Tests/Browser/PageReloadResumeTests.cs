using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Browser;

/// <summary>
/// rehome-client's <c>since</c>: a page that keeps its positions and text in sessionStorage, is
/// reloaded mid-stream and subscribes again from there shows every token exactly once.
/// </summary>
[Collection(nameof(BrowserTests))]
public sealed class PageReloadResumeTests(AppFixture fixture, ChromiumFixture chromium)
{
    // As a page does: every token shown is kept with the client's positions, and a reload subscribes
    // with the kept positions as `since`, adding only what comes after them.
    private const string Open = """
        async ({ token, threadId }) => {
          const { ReHomeClient } = await import("/js/rehome-client.js");
          const kept = JSON.parse(sessionStorage.getItem("resume") ?? "null");
          const h = window.__resume = { tokens: kept?.tokens ?? [], subscribed: [], ended: 0, errors: [] };
          const client = h.client = new ReHomeClient({ url: location.origin, accessTokenFactory: () => token, retryDelaysMs: [0, 250] });
          await client.start();
          const result = await client.subscribe(threadId, {
            onToken: (e) => {
              h.tokens.push(e.seq);
              sessionStorage.setItem("resume", JSON.stringify({ tokens: h.tokens, positions: client.positions(threadId) }));
            },
            onSubscribed: (e) => h.subscribed.push(e.recovered),
            onEnded: () => h.ended++,
            onError: (e) => h.errors.push(e.code),
          }, kept ? { since: kept.positions } : {});
          return result.recovered;
        }
        """;

    [Fact]
    public async Task APageReloadedMidStreamGoesOnFromItsKeptPositionsAndShowsEveryTokenOnce()
    {
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var stream = new StreamRef(threadId, "answer");
        await using var page = await chromium.NewPageAsync(fixture.ApiEndpoint);
        await page.Page.GotoAsync("/");
        var argument = new { token = alice.AccessToken, threadId };
        Assert.True(await page.EvaluateAsync<bool>(Open, argument));

        await using var producer = await StreamProducer.StartAsync(fixture);
        await producer.EmitAsync(stream, "run-1", 15);
        await page.WaitForAsync("() => window.__resume.tokens.length >= 15", "15 tokens before the reload");

        await page.Page.ReloadAsync();
        // Written while the page is away: only the replay after the kept position brings them.
        await producer.EmitAsync(stream, "run-1", 10, from: 16);
        Assert.True(await page.EvaluateAsync<bool>(Open, argument), "the kept positions are still the server's: recovered");
        await producer.EmitAsync(stream, "run-1", 5, from: 26);
        await producer.Streaming.CompleteAsync(stream, "run-1");
        await page.WaitForAsync("() => window.__resume.ended > 0", "the stream's end after the reload");

        var shown = await page.EvaluateAsync<long[]>("() => window.__resume.tokens");
        Assert.Equal(Enumerable.Range(1, 30).Select(seq => (long)seq), shown);
        var subscribed = await page.EvaluateAsync<bool[]>("() => window.__resume.subscribed");
        Assert.Equal(new[] { true }, subscribed);
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.__resume.errors"));
        Assert.Empty(page.Errors);
    }
}
