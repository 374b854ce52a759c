using System.Diagnostics;
using ReHome.Client;

namespace ReHome.Benchmarks.Clients;

/// <summary>
/// One <see cref="ReHomeClient"/> subscribed to one thread, as an app would use it, recording per stream
/// what its handlers hand on (<see cref="StreamView"/>) for the verdicts. The client does the contract's
/// rules (failover between the apis, replay, epochs, resync); this class only writes down what it shows.
/// </summary>
internal sealed class ThreadWatcher : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StreamView> _streams = [];
    private readonly ReHomeClient _client;

    private ThreadWatcher(IReadOnlyList<Uri> apiUrls, string accessToken)
    {
        _client = new ReHomeClient(new ReHomeClientOptions
        {
            ApiUrls = apiUrls,
            AccessTokenProvider = () => Task.FromResult<string?>(accessToken),
        });
    }

    /// <summary>Reconnects and duplicates dropped so far, as the client counts them.</summary>
    public ClientStatistics Statistics => _client.Statistics;

    /// <summary>
    /// Connects (to the api at <paramref name="apiIndex"/> first, the others after it in turn, so clients
    /// spread over the apis) and subscribes to <paramref name="threadId"/>.
    /// </summary>
    public static async Task<ThreadWatcher> ConnectAsync(IReadOnlyList<Uri> apis, int apiIndex, string threadId, string accessToken, CancellationToken cancellationToken)
    {
        var first = apiIndex % apis.Count;
        var watcher = new ThreadWatcher([.. apis.Skip(first), .. apis.Take(first)], accessToken);
        try
        {
            await watcher._client.ConnectAsync(cancellationToken);
            // The subscription lives as long as the client: disposing the client ends both.
            await watcher._client.SubscribeAsync(threadId, watcher.Handlers(), cancellationToken: cancellationToken);
            return watcher;
        }
        catch
        {
            await watcher.DisposeAsync();
            throw;
        }
    }

    /// <summary>A copy of what the client shows of a stream, or null when it has handed on nothing of it.</summary>
    public StreamSnapshot? Snapshot(string streamId)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(streamId, out var view) ? view.Snapshot() : null;
        }
    }

    /// <summary>Drops what is kept of a stream that has been checked (a long soak would otherwise keep every token).</summary>
    public void Forget(string streamId)
    {
        lock (_gate)
        {
            _streams.Remove(streamId);
        }
    }

    private ThreadHandlers Handlers() => new()
    {
        OnToken = token => Update(token.Event.StreamId, view => view.Show(token.Event.Seq, token.Event.Token)),
        OnReset = reset => Update(reset.StreamId, view => view.Reset()),
        OnEnded = ended => Update(ended.StreamId, view => view.End(ended.LastSeq, ended.Status, Stopwatch.GetTimestamp())),
        OnRunUpdated = run => Update(run.StreamId, view => view.RunStatus = run.Status),
    };

    private void Update(string streamId, Action<StreamView> update)
    {
        lock (_gate)
        {
            if (!_streams.TryGetValue(streamId, out var view))
            {
                _streams[streamId] = view = new StreamView(streamId);
            }

            update(view);
        }
    }

    public ValueTask DisposeAsync() => _client.DisposeAsync();
}
