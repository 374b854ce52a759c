using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ReHome.Streaming.Threads;

namespace ReHome.Worker.Ops.Smoke;

/// <summary>The thread a smoke test writes to, and a token of its owner to watch it with.</summary>
internal sealed record SmokeThread(string Id, string AccessToken)
{
    /// <summary>Creates a thread through the API's REST endpoint — as a client would — owned by the service user.</summary>
    public static async Task<SmokeThread> CreateAsync(OpsServices ops, Uri api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var accessToken = OpsUsers.TokenFor(ops, OpsUsers.ServiceUser);
        using var http = new HttpClient { BaseAddress = api, Timeout = timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("/api/threads", new NewThreadRequest("ops smoke test"), OpsJsonContext.Default.NewThreadRequest, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new OpsFailure($"The API is not reachable at {api}: {OpsErrors.Reason(exception)}");
        }

        using (response)
        {
            if (response.StatusCode != HttpStatusCode.Created)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new OpsFailure($"The API refused to create a thread: {(int)response.StatusCode} {response.ReasonPhrase} {OpsErrors.Reason(new InvalidOperationException(body))}".TrimEnd());
            }

            var created = await response.Content.ReadFromJsonAsync(OpsJsonContext.Default.CreatedThread, cancellationToken);
            return new SmokeThread(created?.Id ?? throw new OpsFailure("The API created a thread but did not say its id."), accessToken);
        }
    }

    /// <summary>An existing thread, read from Redis; the token is its owner's, since only the owner may subscribe.</summary>
    public static async Task<SmokeThread> FindAsync(OpsServices ops, string threadId)
    {
        var thread = await ops.Get<ThreadStore>().GetAsync(threadId)
            ?? throw new OpsFailure($"Thread {threadId} does not exist. Pass an existing thread id, or --create to make one.");
        return new SmokeThread(thread.Id, OpsUsers.TokenFor(ops, thread.OwnerId));
    }
}
