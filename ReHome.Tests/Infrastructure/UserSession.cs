using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Json;

namespace ReHome.Tests.Infrastructure;

/// <summary>One signed-in user against one API address: REST with their token, and hub connections as a browser makes them.</summary>
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

    /// <summary>The same user, talking to another API replica.</summary>
    public UserSession At(Uri otherApiBase) => new(otherApiBase, UserId, AccessToken);

    public async Task<string> CreateThreadAsync(string? title = "test thread")
    {
        using var response = await Http.PostAsJsonAsync("/api/threads", new { title });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>
    /// A hub connection over WebSockets without negotiation — how clients talk to several replicas
    /// without sticky sessions (CONTRACT.md).
    /// </summary>
    public HubConnection CreateHubConnection(Uri? apiBase = null, string? accessToken = null) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(apiBase ?? ApiBase, HubPaths.Agent), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(accessToken ?? AccessToken);
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, StreamingJsonContext.Default))
            .Build();

    public void Dispose() => Http.Dispose();
}
