using Microsoft.Playwright;

namespace ReHome.Tests.Browser;

/// <summary>The live thread page at <c>/</c>, used as a person would: through its labelled fields and buttons.</summary>
public sealed class LiveThreadPage(BrowserPage browser)
{
    private IPage Page => browser.Page;

    public BrowserPage Browser => browser;

    public static async Task<LiveThreadPage> OpenAsync(ChromiumFixture chromium, Uri apiBase)
    {
        var browser = await chromium.NewPageAsync(apiBase);
        await browser.Page.GotoAsync("/");
        return new LiveThreadPage(browser);
    }

    public async Task SignInAsync(string userId)
    {
        await Page.GetByLabel("User id").FillAsync(userId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Get dev token" }).ClickAsync();
        await browser.WaitForAsync("() => document.getElementById('connection').dataset.state === 'connected'", $"{userId}'s page connecting");
    }

    /// <summary>Creates a thread from the page; returns its id once the page watches it.</summary>
    public async Task<string> CreateThreadAsync(string title)
    {
        await Page.GetByLabel("New thread title").FillAsync(title);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create thread" }).ClickAsync();
        await browser.WaitForAsync("() => document.getElementById('current-thread').textContent.startsWith('thr')", "the new thread being watched");
        return await Page.Locator("#current-thread").TextContentAsync() ?? string.Empty;
    }

    public async Task WatchAsync(string threadId)
    {
        await Page.GetByLabel("Thread id").FillAsync(threadId);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Watch" }).ClickAsync();
    }

    /// <summary>Starts a run from the page; returns (runId, streamId) once the page shows it.</summary>
    public async Task<(string RunId, string StreamId)> StartRunAsync(string input, string priority = "default")
    {
        await Page.GetByLabel("Input").FillAsync(input);
        await Page.GetByLabel(priority, new() { Exact = true }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
        await browser.WaitForAsync("() => document.querySelector('#streams .stream') || !document.getElementById('error').hidden", "the run appearing");
        var stream = Page.Locator("#streams .stream").Last;
        Assert.True(await stream.CountAsync() > 0, $"no run appeared: {await ErrorAsync()}");
        return ((await stream.GetAttributeAsync("data-run-id"))!, (await stream.GetAttributeAsync("data-stream-id"))!);
    }

    public Task StopAsync() => Page.GetByRole(AriaRole.Button, new() { Name = "Stop" }).ClickAsync();

    public Task<string> TextAsync(string streamId) =>
        Page.EvaluateAsync<string>("id => document.querySelector(`[data-stream-id=\"${id}\"] .stream-text`)?.textContent ?? ''", streamId);

    public Task<long> SeqAsync(string streamId) =>
        Page.EvaluateAsync<long>("id => Number(document.querySelector(`[data-stream-id=\"${id}\"]`)?.dataset.lastSeq ?? 0)", streamId);

    public Task<string> StatusAsync(string streamId) =>
        Page.EvaluateAsync<string>("id => document.querySelector(`[data-stream-id=\"${id}\"]`)?.dataset.status ?? ''", streamId);

    public Task WaitForSeqAsync(string streamId, long seq) =>
        browser.WaitForAsync("([id, seq]) => Number(document.querySelector(`[data-stream-id=\"${id}\"]`)?.dataset.lastSeq ?? 0) >= seq",
            $"seq {seq} of {streamId} on the page", new object[] { streamId, seq });

    public Task WaitForStatusAsync(string streamId, string status) =>
        browser.WaitForAsync("([id, status]) => document.querySelector(`[data-stream-id=\"${id}\"]`)?.dataset.status === status",
            $"{streamId} showing {status}", new object[] { streamId, status });

    public Task WaitForConnectionAsync(string state) =>
        browser.WaitForAsync("state => document.getElementById('connection').dataset.state === state", $"connection {state}", state);

    public async Task<string> ConnectionStateAsync() => await Page.Locator("#connection-state").TextContentAsync() ?? string.Empty;

    public async Task<int> CounterAsync(string id) => int.Parse(await Page.Locator($"#{id}").TextContentAsync() ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The error area's text, empty while it is hidden.</summary>
    public async Task<string> ErrorAsync() =>
        await Page.Locator("#error").IsVisibleAsync() ? await Page.Locator("#error").TextContentAsync() ?? string.Empty : string.Empty;

    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(RepositoryPaths.Screenshots);
        var path = Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }
}
