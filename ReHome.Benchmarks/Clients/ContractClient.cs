using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Runs;
using ReHome.Streaming.Streams;

namespace ReHome.Benchmarks.Clients;

/// <summary>
/// One SignalR client of one thread that keeps CONTRACT.md's client rules, as a browser with
/// rehome-client does: WebSockets with skipNegotiation; shows each (streamId, seq) once and drops
/// what it has shown; on a gap, on a final seq it has not reached, and after every reconnect it calls
/// <c>Replay</c> from its last contiguous seq; when its connection closes it connects to the next api
/// (its own is likely gone), with back-off, until disposed. A reset (event or newer epoch) makes it
/// forget the stream and show it again from seq 1; <c>agent.resync</c> (its api's backplane came back
/// after a loss) makes it subscribe again and replay what it missed. The benchmarks' only receiver of
/// faulted streams.
/// </summary>
internal sealed class ContractClient : IAsyncDisposable
{
    private static readonly TimeSpan ReplayRetryDelay = TimeSpan.FromSeconds(1);
    private const int ReplayAttempts = 10;

    private readonly object _gate = new();
    private readonly IReadOnlyList<Uri> _apis;
    private readonly string _accessToken;
    private readonly Dictionary<string, StreamView> _streams = [];
    private readonly CancellationTokenSource _stopping = new();
    private HubConnection? _connection;
    private int _apiIndex;

    private ContractClient(IReadOnlyList<Uri> apis, int apiIndex, string threadId, string accessToken)
    {
        _apis = apis;
        _apiIndex = apiIndex;
        ThreadId = threadId;
        _accessToken = accessToken;
    }

    public string ThreadId { get; }

    public int Reconnects { get; private set; }

    public int Replays { get; private set; }

    public static async Task<ContractClient> ConnectAsync(IReadOnlyList<Uri> apis, int apiIndex, string threadId, string accessToken, CancellationToken cancellationToken)
    {
        var client = new ContractClient(apis, apiIndex % apis.Count, threadId, accessToken);
        try
        {
            await client.OpenAsync(client._apiIndex, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>A copy of what the client shows of a stream, or null when it has seen nothing of it.</summary>
    public StreamSnapshot? Snapshot(string streamId)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(streamId, out var view)
                ? new StreamSnapshot(new SortedDictionary<long, string>(view.Shown), view.Contiguous, view.Final, view.EndStatus, view.EndedAt, view.Resets, view.DroppedDuplicates)
                : null;
        }
    }

    /// <summary>Drops what the client keeps of a stream that has been checked (a long soak would otherwise keep every token).</summary>
    public void Forget(string streamId)
    {
        lock (_gate)
        {
            _streams.Remove(streamId);
        }
    }

    private async Task OpenAsync(int apiIndex, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(_apis[apiIndex], HubPaths.Agent), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                options.AccessTokenProvider = () => Task.FromResult<string?>(_accessToken);
            })
            .Build();
        connection.On<ShownToken>(StreamNames.Events.Token, token => Accept(connection, token));
        connection.On<StreamEndedEvent>(StreamNames.Events.StreamEnded, ended => OnFinalSeq(connection, ended.StreamId, ended.LastSeq, ended.Status));
        connection.On<RunView>(StreamNames.Events.RunUpdated, run =>
        {
            if (RunStatuses.IsFinal(run.Status))
            {
                OnFinalSeq(connection, run.StreamId, run.LastSeq, status: null);
            }
        });
        connection.On<JsonElement>(StreamNames.Events.StreamReset, reset => OnReset(connection, reset));
        // Not awaited: a handler that waits for an invocation would hold up the connection's receive loop.
        connection.On<JsonElement>(StreamNames.Events.Resync, resync => { _ = ResyncAsync(connection); });
        connection.Closed += _ => OnClosed(connection);
        try
        {
            await connection.StartAsync(cancellationToken);
            var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", ThreadId, cancellationToken);
            lock (_gate)
            {
                _connection = connection;
                foreach (var stream in subscribed.Streams)
                {
                    View(stream.StreamId);
                }
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        // After every (re)connect: replay each stream from where it stopped.
        StreamView[] views;
        lock (_gate)
        {
            views = [.. _streams.Values];
        }

        foreach (var view in views)
        {
            RequestReplay(connection, view);
        }
    }

    /// <summary>Broadcasts may have been lost while the api's backplane was away: ask where each stream stands and catch up.</summary>
    private async Task ResyncAsync(HubConnection connection)
    {
        try
        {
            var subscribed = await connection.InvokeAsync<SubscribeResult>("Subscribe", ThreadId, _stopping.Token);
            foreach (var stream in subscribed.Streams)
            {
                var ended = stream.Status is not (StreamStatuses.Streaming or StreamStatuses.Unknown);
                OnFinalSeq(connection, stream.StreamId, stream.LastSeq, ended ? stream.Status : null);
            }
        }
        catch (Exception) when (!_stopping.IsCancellationRequested)
        {
            // The connection dropped meanwhile: the reconnect subscribes and replays anyway.
        }
    }

    private void Accept(HubConnection connection, ShownToken token)
    {
        StreamView view;
        lock (_gate)
        {
            view = View(token.StreamId);
            if (token.EpochText is { } epoch && epoch != view.Epoch)
            {
                if (view.Epoch is null)
                {
                    view.Epoch = epoch;
                }
                else if (view.HasLeft(epoch))
                {
                    return; // a late token of the stream's earlier life
                }
                else
                {
                    view.Reset(epoch);
                }
            }

            view.Show(token.Seq, token.Token);
            if (!view.HasGap)
            {
                return;
            }
        }

        RequestReplay(connection, view);
    }

    private void OnFinalSeq(HubConnection connection, string streamId, long lastSeq, string? status)
    {
        StreamView view;
        lock (_gate)
        {
            view = View(streamId);
            view.Final = Math.Max(view.Final ?? 0, lastSeq);
            view.EndStatus = status ?? view.EndStatus;
            view.EndedAt ??= status is null ? null : System.Diagnostics.Stopwatch.GetTimestamp();
            if (!view.IsBehind)
            {
                return;
            }
        }

        RequestReplay(connection, view);
    }

    private void OnReset(HubConnection connection, JsonElement reset)
    {
        var isObject = reset.ValueKind == JsonValueKind.Object;
        var epoch = isObject && reset.TryGetProperty("epoch", out var value) ? value.GetRawText() : null;
        var streamId = isObject && reset.TryGetProperty("streamId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        StreamView[] views;
        lock (_gate)
        {
            // A reset without a stream id concerns every stream of the thread.
            views = streamId is not null ? [View(streamId)] : [.. _streams.Values];
            // A token of the new epoch may have come first and reset the stream already.
            views = [.. views.Where(view => epoch is null || (view.Epoch != epoch && !view.HasLeft(epoch)))];
            foreach (var view in views)
            {
                view.Reset(epoch);
            }
        }

        foreach (var view in views)
        {
            RequestReplay(connection, view);
        }
    }

    /// <summary>Starts a replay of the stream unless one runs; a running one goes round again when it ends.</summary>
    private void RequestReplay(HubConnection connection, StreamView view)
    {
        lock (_gate)
        {
            if (view.Replaying)
            {
                view.ReplayAgain = true;
                return;
            }

            view.Replaying = true;
        }

        _ = ReplayAsync(connection, view);
    }

    private async Task ReplayAsync(HubConnection connection, StreamView view)
    {
        for (var attempt = 1; ; attempt++)
        {
            long after;
            lock (_gate)
            {
                view.ReplayAgain = false;
                after = view.Contiguous;
            }

            var failed = false;
            try
            {
                await foreach (var token in connection.StreamAsync<ShownToken>("Replay", ThreadId, view.StreamId, after, _stopping.Token))
                {
                    Accept(connection, token);
                }

                lock (_gate)
                {
                    Replays++;
                }
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                failed = true; // Redis or the api is down; try again, or the reconnect replays
            }
            catch (OperationCanceledException)
            {
            }

            lock (_gate)
            {
                var again = view.ReplayAgain || (failed && connection.State == HubConnectionState.Connected) || (view.IsBehind && !failed);
                if (_stopping.IsCancellationRequested || !ReferenceEquals(connection, _connection) || !again || attempt >= ReplayAttempts)
                {
                    view.Replaying = false;
                    return;
                }
            }

            try
            {
                await Task.Delay(ReplayRetryDelay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    view.Replaying = false;
                }

                return;
            }
        }
    }

    private Task OnClosed(HubConnection closed)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !ReferenceEquals(closed, _connection))
            {
                return Task.CompletedTask;
            }

            _connection = null;
            Reconnects++;
            foreach (var view in _streams.Values)
            {
                view.Replaying = false; // the old connection's replays end with it
            }
        }

        _ = closed.DisposeAsync().AsTask();
        _ = ReconnectAsync();
        return Task.CompletedTask;
    }

    private async Task ReconnectAsync()
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!_stopping.IsCancellationRequested)
        {
            // The api this client used is likely gone: the next one first.
            _apiIndex = (_apiIndex + 1) % _apis.Count;
            try
            {
                await OpenAsync(_apiIndex, _stopping.Token);
                return;
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                // Down too (or Redis is): back off and try the next.
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await Task.Delay(delay, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        }
    }

    private StreamView View(string streamId)
    {
        if (!_streams.TryGetValue(streamId, out var view))
        {
            _streams[streamId] = view = new StreamView(streamId);
        }

        return view;
    }

    /// <summary>Numbers compare as numbers; anything else is newer when it differs.</summary>
    public async ValueTask DisposeAsync()
    {
        HubConnection? connection;
        lock (_gate)
        {
            _stopping.Cancel();
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>A copy of a <see cref="StreamView"/> at one moment.</summary>
internal sealed record StreamSnapshot(
    IReadOnlyDictionary<long, string> Shown, long Contiguous, long? Final, string? EndStatus, long? EndedAt, int Resets, int DroppedDuplicates);
