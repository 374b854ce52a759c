using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Client;
using ReHome.Contracts;

namespace ReHome.Tests.Infrastructure;

/// <summary>One signed-in user against one API address: REST with their token, and hub connections and clients as a browser makes them.</summary>
public sealed class UserSession : IDisposable
{
    private UserSession(Uri apiBase, string userId, string accessToken)
    {
        ApiBase = apiBase;
        UserId = userId;
        AccessToken = accessToken;
        Http = new HttpClient { BaseAddress = apiBase, Timeout = TestTimeouts.Default };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
    }

    public Uri ApiBase { get; }

    public string UserId { get; }

    public string AccessToken { get; }

    public HttpClient Http { get; }

    /// <summary>Signs in through the development token endpoint, as the dev page does.</summary>
    public static async Task<UserSession> SignInAsync(Uri apiBase, string? userId = null)
    {
        userId ??= $"user-{Guid.NewGuid():N}"[..20];
        using var anonymous = new HttpClient { BaseAddress = apiBase, Timeout = TestTimeouts.Default };
        using var response = await anonymous.PostAsJsonAsync("/api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new UserSession(apiBase, userId, body.RootElement.GetProperty("accessToken").GetString()!);
    }

    /// <summary>A user whose token came from elsewhere (an identity provider).</summary>
    public static UserSession WithToken(Uri apiBase, string userId, string accessToken) => new(apiBase, userId, accessToken);

    /// <summary>The same user, talking to another API replica.</summary>
    public UserSession At(Uri otherApiBase) => new(otherApiBase, UserId, AccessToken);

    public async Task<string> CreateThreadAsync(string? title = "test thread")
    {
        using var response = await Http.PostAsJsonAsync("/api/threads", new { title });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    public async Task<RunView> CreateRunAsync(string threadId, string input, string priority = "default", string? streamId = null)
    {
        using var response = await Http.PostAsJsonAsync($"/api/threads/{threadId}/runs", new { input, priority, streamId });
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new HttpRequestException($"creating a run answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadFromJsonAsync<RunView>(JsonSerializerOptions.Web))!;
    }

    public async Task<RunView> GetRunAsync(string threadId, string runId) =>
        (await Http.GetFromJsonAsync<RunView>($"/api/threads/{threadId}/runs/{runId}", JsonSerializerOptions.Web))!;

    public async Task<StreamTokensPage> GetTokensAsync(string threadId, string streamId, long after = 0) =>
        (await Http.GetFromJsonAsync<StreamTokensPage>($"/api/threads/{threadId}/streams/{streamId}/tokens?after={after}&limit=1000", JsonSerializerOptions.Web))!;

    /// <summary>
    /// A signed-in <see cref="ReHomeClient"/>, connected and subscribed to the thread, with a recorder of
    /// what the subscription hands on. Disposing the client ends the subscription.
    /// </summary>
    public async Task<(ReHomeClient Client, ThreadRecorder Recorder)> WatchAsync(string threadId, Uri? apiBase = null)
    {
        var recorder = new ThreadRecorder();
        var client = CreateClient(apiBase ?? ApiBase);
        try
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            await client.ConnectAsync(timeout.Token);
            await client.SubscribeAsync(threadId, recorder.Handlers, cancellationToken: timeout.Token);
            return (client, recorder);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Client options signed in as this user over the given api addresses (this session's when none), with
    /// short reconnect delays; a test changes what it needs with <c>with { … }</c>.
    /// </summary>
    public ReHomeClientOptions ClientOptions(params Uri[] apiUrls) => new()
    {
        ApiUrls = apiUrls.Length == 0 ? [ApiBase] : apiUrls,
        AccessTokenProvider = () => Task.FromResult<string?>(AccessToken),
        FirstReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
    };

    /// <summary>A client signed in as this user over the given api addresses (not connected).</summary>
    public ReHomeClient CreateClient(params Uri[] apiUrls) => new(ClientOptions(apiUrls));

    /// <summary>A bare hub connection (not started, no handlers), for tests of the hub itself.</summary>
    public HubConnection CreateHubConnection(Uri? apiBase = null, string? accessToken = null, bool useMessagePack = false) =>
        ReHomeHub.CreateConnection(apiBase ?? ApiBase, accessToken ?? AccessToken, useMessagePack);

    public void Dispose() => Http.Dispose();
}
