using System.Net.Http.Json;
using System.Text.Json;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// What a stream's log holds inside the window, read over REST (<c>GET …/streams/{id}/tokens</c>):
/// the first and last seq with emittedAt in [from, to). A stream has one writer here, so its emittedAt
/// grows with seq and each boundary is found with a page or two near the seq the run's pace predicts.
/// </summary>
internal sealed class StreamTruth(HttpClient http)
{
    private const int Page = 1_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>[first, last] seq emitted in the window; last &lt; first when none was.</summary>
    public async Task<long[]> RangeAsync(string threadId, string streamId, double fromMs, double toMs, double rate, CancellationToken cancellationToken)
    {
        var head = await ReadAsync(threadId, streamId, 0, 1, cancellationToken);
        if (head.Tokens.Count == 0)
        {
            return [1, 0];
        }

        var first = await FirstAtOrAfterAsync(threadId, streamId, fromMs, head, rate, cancellationToken);
        var end = await FirstAtOrAfterAsync(threadId, streamId, toMs, head, rate, cancellationToken);
        return [first, end - 1];
    }

    /// <summary>The smallest seq with emittedAt ≥ <paramref name="time"/>; last seq + 1 when there is none.</summary>
    private async Task<long> FirstAtOrAfterAsync(string threadId, string streamId, double time, TokenPage head, double rate, CancellationToken cancellationToken)
    {
        var firstSeq = head.Tokens[0].Seq;
        var guess = Math.Clamp(firstSeq + (long)((time - head.Tokens[0].EmittedAt) / 1000 * rate), firstSeq, Math.Max(firstSeq, head.LastSeq));
        var after = Math.Max(0, guess - 1 - (Page / 2));
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var page = await ReadAsync(threadId, streamId, after, Page, cancellationToken);
            if (page.Tokens.Count == 0)
            {
                return after + 1;
            }

            if (page.Tokens[0].EmittedAt >= time)
            {
                if (after == 0 || page.Tokens[0].Seq <= firstSeq)
                {
                    return page.Tokens[0].Seq;
                }

                after = Math.Max(0, after - Page);
                continue;
            }

            var inside = page.Tokens.FirstOrDefault(token => token.EmittedAt >= time);
            if (inside is not null)
            {
                return inside.Seq;
            }

            if (page.Tokens.Count < Page)
            {
                return page.Tokens[^1].Seq + 1;
            }

            after = page.Tokens[^1].Seq;
        }

        throw new InvalidOperationException($"could not find the window boundary in stream {streamId}");
    }

    private async Task<TokenPage> ReadAsync(string threadId, string streamId, long after, int limit, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<TokenPage>($"/api/threads/{threadId}/streams/{streamId}/tokens?after={after}&limit={limit}", Json, cancellationToken))!;

    private sealed record TokenPage(long LastSeq, IReadOnlyList<LogToken> Tokens);

    private sealed record LogToken(long Seq, double EmittedAt);
}
