using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ReHome.Contracts;

namespace ReHome.Benchmarks.Clients;

/// <summary>
/// The REST API as a client uses it, over every api replica: a call that finds its api gone (or
/// answering 5xx) is tried on the next one, as a load balancer would.
/// </summary>
internal sealed class ApiRest : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IReadOnlyList<Uri> _apis;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int _next;

    private ApiRest(IReadOnlyList<Uri> apis, string accessToken)
    {
        _apis = apis;
        AccessToken = accessToken;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
    }

    public string AccessToken { get; }

    /// <summary>Signs in with a development token (<c>POST /api/dev/token</c>); every api accepts it (they share the signing key).</summary>
    public static async Task<ApiRest> SignInAsync(IReadOnlyList<Uri> apis, string userId, CancellationToken cancellationToken)
    {
        using var anonymous = new HttpClient { BaseAddress = apis[0], Timeout = TimeSpan.FromSeconds(10) };
        using var response = await anonymous.PostAsJsonAsync("/api/dev/token", new { userId }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return new ApiRest(apis, body.RootElement.GetProperty("accessToken").GetString()!);
    }

    public async Task<string> CreateThreadAsync(string title, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "/api/threads") { Content = JsonContent.Create(new { title }) }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<RunView> QueueRunAsync(string threadId, string input, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"/api/threads/{threadId}/runs") { Content = JsonContent.Create(new { input }) }, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RunView>(Json, cancellationToken))!;
    }

    /// <summary>The run, or null when the API does not know it (404, as after Redis lost its data).</summary>
    public async Task<RunView?> GetRunAsync(string threadId, string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, $"/api/threads/{threadId}/runs/{runId}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<RunView>(Json, cancellationToken);
    }

    /// <summary>Every token the stream's log holds (<c>GET …/tokens</c>, page after page), with its status and last seq.</summary>
    public async Task<(string Status, long LastSeq, IReadOnlyList<TokenEvent> Tokens)> GetTokensAsync(string threadId, string streamId, CancellationToken cancellationToken)
    {
        var tokens = new List<TokenEvent>();
        while (true)
        {
            var after = tokens.Count == 0 ? 0 : tokens[^1].Seq;
            using var response = await SendAsync(
                () => new HttpRequestMessage(HttpMethod.Get, $"/api/threads/{threadId}/streams/{streamId}/tokens?after={after}&limit=500"), cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return ("missing", 0, tokens);
            }

            response.EnsureSuccessStatusCode();
            var page = (await response.Content.ReadFromJsonAsync<StreamTokensPage>(Json, cancellationToken))!;
            tokens.AddRange(page.Tokens);
            if (page.Tokens.Count == 0 || tokens[^1].Seq >= page.LastSeq)
            {
                return (page.Status, page.LastSeq, tokens);
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        Exception? last = null;
        for (var attempt = 0; attempt < _apis.Count; attempt++)
        {
            var api = _apis[(int)((uint)Interlocked.Increment(ref _next) % _apis.Count)];
            using var message = request();
            message.RequestUri = new Uri(api, message.RequestUri!);
            try
            {
                var response = await _http.SendAsync(message, cancellationToken);
                if ((int)response.StatusCode < 500 || attempt == _apis.Count - 1)
                {
                    return response;
                }

                response.Dispose();
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                last = exception;
            }
        }

        throw new HttpRequestException($"no api answered: {last?.Message}", last);
    }

    public void Dispose() => _http.Dispose();
}
