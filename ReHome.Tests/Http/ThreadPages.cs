using System.Net.Http.Json;
using System.Text.Json;
using ReHome.Contracts;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Http;

/// <summary><c>GET /api/threads/{id}</c> as a client reads it: a page of runs and the cursor to the older ones.</summary>
internal static class ThreadPages
{
    public sealed record Page(string Id, IReadOnlyList<RunView> Runs, bool? HasMoreRuns, string? NextRunsCursor);

    public static async Task<Page> GetAsync(UserSession session, string threadId, string query = "") =>
        (await session.Http.GetFromJsonAsync<Page>($"/api/threads/{threadId}{query}", JsonSerializerOptions.Web, TestContext.Current.CancellationToken))!;
}
