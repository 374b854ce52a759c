using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Contracts;
using ReHome.Streaming.Hubs;
using ReHome.Streaming.Json;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using ReHome.Streaming.Threads;

namespace ReHome.Worker.Canary;

/// <summary>
/// Every <see cref="CanaryOptions.Interval"/>: emits a small stream through the real streaming service
/// to a thread of its own and receives it as a real SignalR client of the API — WebSockets, access token,
/// Subscribe — timing each token from emittedAt to arrival. The runbook's "p95 &lt; 50 ms from
/// streamToken() to client", measured continuously instead of asserted once.
/// </summary>
internal sealed partial class LatencyCanary(
    StreamingService streaming,
    CanaryThread canaryThread,
    AccessTokenIssuer tokens,
    CanaryLatencyWindow window,
    StreamingMetrics metrics,
    IConfiguration configuration,
    IOptions<CanaryOptions> options,
    TimeProvider time,
    ILogger<LatencyCanary> logger) : BackgroundService
{
    public const string UserId = "rehome-canary";

    // Workers share the canary thread, so each canary writes a stream of its own; an old one expires with its log.
    private readonly string _streamId = $"canary-{Guid.NewGuid():N}"[..19];

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private bool _roundLive;
    private int _expected;
    private HashSet<long> _received = [];
    private TaskCompletionSource _roundReceived = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var api = configuration["services:api:http:0"] ?? configuration["services:api:https:0"];
        if (!settings.Enabled || api is null)
        {
            Log.Disabled(logger, settings.Enabled ? "no API address (services:api:http:0) is configured" : "Canary:Enabled is false");
            return;
        }

        var thread = await GetThreadAsync(stoppingToken);
        await using var connection = Connect(new Uri(new Uri(api), HubPaths.Agent));
        connection.On<TokenEvent>(StreamNames.Events.Token, Receive);
        connection.Reconnected += _ => connection.InvokeAsync<SubscribeResult>("Subscribe", thread.Id, stoppingToken);
        Log.Started(logger, thread.Id, api);

        var stream = new StreamRef(thread.Id, _streamId);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            do
            {
                try
                {
                    if (connection.State == HubConnectionState.Disconnected)
                    {
                        await connection.StartAsync(stoppingToken);
                        await connection.InvokeAsync<SubscribeResult>("Subscribe", thread.Id, stoppingToken);
                    }

                    await RunRoundAsync(stream, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The health check notices the silence; the next round tries again.
                    metrics.Error("canary");
                    Log.RoundFailed(logger, exception);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        finally
        {
            await EndCutShortRoundAsync(stream);
        }
    }

    /// <summary>
    /// A worker stopping mid-round ends its stream, so no live canary stream is left for the stuck-stream
    /// alert and the reaper (no later start reuses this stream id to end it).
    /// </summary>
    private async Task EndCutShortRoundAsync(StreamRef stream)
    {
        if (!_roundLive)
        {
            return;
        }

        try
        {
            await streaming.AbortAsync(stream, "canary", "canary stopped").WaitAsync(StopTimeout);
        }
        catch (Exception exception) when (RedisFaults.IsTransient(exception))
        {
            Log.RoundFailed(logger, exception);
        }
    }

    private async Task RunRoundAsync(StreamRef stream, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!await streaming.ResetAsync(stream))
        {
            // A round cut short left the stream live; end it so the id can start again from seq 1.
            await streaming.AbortAsync(stream, "canary", "canary round cut short", cancellationToken);
            await streaming.ResetAsync(stream);
        }

        Task roundReceived;
        window.BeginRound();
        lock (_gate)
        {
            (_expected, _received) = (settings.Tokens, []);
            _roundReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            roundReceived = _roundReceived.Task;
        }

        _roundLive = true;
        for (var seq = 1; seq <= settings.Tokens; seq++)
        {
            await streaming.StreamTokenAsync(stream, "canary", $"c{seq} ", expectedSeq: seq, cancellationToken);
            await Task.Delay(settings.TokenSpacing, time, cancellationToken);
        }

        await streaming.CompleteAsync(stream, "canary", cancellationToken);
        _roundLive = false;
        if (await Task.WhenAny(roundReceived, Task.Delay(settings.ReceiveTimeout, time, cancellationToken)) != roundReceived)
        {
            int missing;
            lock (_gate)
            {
                missing = _expected - _received.Count;
            }

            metrics.Error("canary");
            Log.TokensMissing(logger, missing, settings.Tokens, settings.ReceiveTimeout);
        }
    }

    private void Receive(TokenEvent token)
    {
        var latency = UnixTime.Milliseconds(time.GetUtcNow()) - token.EmittedAt;
        lock (_gate)
        {
            if (token.StreamId != _streamId || !_received.Add(token.Seq))
            {
                return;
            }

            // Warm-up rounds time JIT compilation, not delivery: kept out of the histogram and the p95.
            if (window.Record(latency))
            {
                metrics.TokenDelivered(latency);
            }

            if (_received.Count >= _expected)
            {
                _roundReceived.TrySetResult();
            }
        }
    }

    private async Task<AgentThread> GetThreadAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            try
            {
                return await canaryThread.GetOrCreateAsync();
            }
            catch (Exception exception) when (RedisFaults.IsTransient(exception))
            {
                // Redis is away at start (a timeout in the backlog is not a RedisException): wait, do not stop the host.
                Log.RoundFailed(logger, exception);
                await Task.Delay(options.Value.Interval, time, stoppingToken);
            }
        }
    }

    private HubConnection Connect(Uri hub) =>
        new HubConnectionBuilder()
            .WithUrl(hub, connection =>
            {
                // Like a browser talking to replicas without sticky sessions (CONTRACT.md).
                connection.Transports = HttpTransportType.WebSockets;
                connection.SkipNegotiation = true;
                connection.AccessTokenProvider = () => Task.FromResult<string?>(tokens.Issue(UserId, TimeSpan.FromHours(1)).AccessToken);
            })
            .AddJsonProtocol(json => json.PayloadSerializerOptions.TypeInfoResolverChain.Insert(0, StreamingJsonContext.Default))
            .WithAutomaticReconnect()
            .Build();

    private static partial class Log
    {
        [LoggerMessage(410, LogLevel.Information, "Canary: timing tokens through {Api} on thread {ThreadId}")]
        public static partial void Started(ILogger logger, string threadId, string api);

        [LoggerMessage(411, LogLevel.Information, "Canary: off — {Why}")]
        public static partial void Disabled(ILogger logger, string why);

        [LoggerMessage(412, LogLevel.Warning, "Canary: a round failed")]
        public static partial void RoundFailed(ILogger logger, Exception exception);

        [LoggerMessage(413, LogLevel.Warning, "Canary: {Missing} of {Tokens} tokens did not arrive within {Timeout}")]
        public static partial void TokensMissing(ILogger logger, int missing, int tokens, TimeSpan timeout);
    }
}
