namespace ReHome.Tests.Browser;

/// <summary>
/// rehome-client driven from a test: the page imports exactly <c>/js/rehome-client.js</c>, subscribes,
/// and records every callback in order, so the test can check what an application would have shown.
/// </summary>
public sealed class ClientHarness(BrowserPage page)
{
    private const string Start = """
        async ({ tokens, threadId, retryDelaysMs, history, silentStreamCheckMs }) => {
          const { ReHomeClient } = await import("/js/rehome-client.js");
          const h = window.__harness = { tokens: [], ended: [], errors: [], states: [], resets: [], tokenRequests: 0 };
          // Hands out the given access tokens in turn, the last one from then on.
          const accessTokenFactory = () => tokens[Math.min(h.tokenRequests++, tokens.length - 1)];
          const client = h.client = new ReHomeClient({ url: location.origin, accessTokenFactory, retryDelaysMs, silentStreamCheckMs: silentStreamCheckMs ?? undefined });
          client.onStateChange(({ state }) => h.states.push(state));
          await client.start();
          try {
            await client.subscribe(threadId, {
              onToken: (e) => h.tokens.push({ streamId: e.streamId, seq: e.seq, token: e.token, source: e.source, latencyMs: e.latencyMs }),
              onEnded: (e) => h.ended.push(e),
              onError: (e) => h.errors.push({ code: e.code, message: e.message }),
              // As a page does: what was shown of a restarted stream is cleared.
              onStreamReset: (e) => {
                h.resets.push(e);
                h.tokens = h.tokens.filter((t) => t.streamId !== e.streamId);
              },
            }, { history });
            return null;
          } catch (e) {
            return { code: e.code, message: e.message };
          }
        }
        """;

    public sealed record Delivered(string StreamId, long Seq, string Token, string Source, double LatencyMs);

    public sealed record Ended(string StreamId, long LastSeq, string Status, string? Reason);

    public sealed record Failure(string Code, string Message);

    public sealed record Stats(
        int Reconnects, int Replays, int ReplayedTokens, int DuplicatesDropped, int GapsDetected,
        int Resyncs = 0, int StreamResets = 0, int StaleDropped = 0, int SilentChecks = 0);

    public sealed record Reset(string StreamId, string RunId, string? PreviousEpoch, string Epoch);

    /// <summary>Connects and subscribes; null when subscribed, else the error the subscribe was rejected with.</summary>
    public Task<Failure?> SubscribeAsync(string accessToken, string threadId, string history = "active", int? silentStreamCheckMs = null) =>
        SubscribeAsync([accessToken], threadId, history, silentStreamCheckMs);

    /// <summary>As above, with access tokens the client's token factory hands out in turn (the last one from then on).</summary>
    public async Task<Failure?> SubscribeAsync(string[] accessTokens, string threadId, string history = "active", int? silentStreamCheckMs = null) =>
        await page.EvaluateAsync<Failure?>(Start, new { tokens = accessTokens, threadId, retryDelaysMs = new[] { 0, 250 }, history, silentStreamCheckMs });

    /// <summary>Every <c>onStreamReset</c>, in order.</summary>
    public Task<Reset[]> ResetsAsync() => page.EvaluateAsync<Reset[]>("() => window.__harness.resets");

    /// <summary>How often the client asked its token factory for a token (once per connect).</summary>
    public Task<int> TokenRequestsAsync() => page.EvaluateAsync<int>("() => window.__harness.tokenRequests");

    public Task<Delivered[]> TokensAsync() => page.EvaluateAsync<Delivered[]>("() => window.__harness.tokens");

    public Task<Ended[]> EndedAsync() => page.EvaluateAsync<Ended[]>("() => window.__harness.ended");

    public Task<Failure[]> ErrorsAsync() => page.EvaluateAsync<Failure[]>("() => window.__harness.errors");

    public Task<string[]> StatesAsync() => page.EvaluateAsync<string[]>("() => window.__harness.states");

    public Task<Stats> StatsAsync() => page.EvaluateAsync<Stats>("() => ({ ...window.__harness.client.stats })");

    public Task WaitForTokensAsync(int count) =>
        page.WaitForAsync("count => window.__harness.tokens.length >= count", $"{count} tokens", count);

    public Task WaitForEndedAsync() =>
        page.WaitForAsync("() => window.__harness.ended.length > 0", "the stream's end");

    public Task WaitForStateAsync(string state) =>
        page.WaitForAsync("state => window.__harness.client.state === state", $"state {state}", state);

    public Task StopAsync() => page.Page.EvaluateAsync("() => window.__harness.client.stop()");
}
