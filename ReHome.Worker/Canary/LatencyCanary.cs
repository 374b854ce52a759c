using Microsoft.Extensions.Options;
using ReHome.Client;
using ReHome.Contracts;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Redis;
using ReHome.Streaming.Streams;
using ReHome.Streaming.Telemetry;
using ReHome.Streaming.Threads;

namespace ReHome.Worker.Canary;

/// <summary>
/// Every <see cref="CanaryOptions.Interval"/>: emits a small stream through the real streaming service
/// to a thread of its own and receives it as a real client of the API — a <see cref="ReHomeClient"/>, as
/// a .NET app would use: WebSockets, access token, Subscribe, reconnects and replays — timing each token
/// from emittedAt to arrival. The runbook's "p95 &lt; 50 ms from streamToken() to client", measured
/// continuously instead of asserted once.
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
    ILoggerFactory loggerFactory,
    ILogger<LatencyCanary> logger) : BackgroundService
{
    public const string UserId = "rehome-canary";

    // Workers share the canary thread, so each canary writes a stream of its own; an old one expires with its log.
    private readonly string _streamId = $"canary-{Guid.NewGuid():N}"[..19];

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private bool _roundLive;
    private int _expected;
    private int _received;
    private TaskCompletionSource _roundReceived = new();
    private ThreadSubscription? _subscription;

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
        // One client for the canary's life: once connected it reconnects, subscribes again and replays by itself.
        await using var client = new ReHomeClient(
            new ReHomeClientOptions
            {
                ApiUrls = [new Uri(api)],
                AccessTokenProvider = () => Task.FromResult<string?>(tokens.Issue(UserId, TimeSpan.FromHours(1)).AccessToken),
                TimeProvider = time,
            },
            loggerFactory);
        Log.Started(logger, thread.Id, api);

        var stream = new StreamRef(thread.Id, _streamId);
        using var timer = new PeriodicTimer(settings.Interval, time);
        try
        {
            do
            {
                try
                {
                    await SubscribeOnceAsync(client, thread.Id, stoppingToken);
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
    /// Until the canary is subscribed: connects (the first time; later the client reconnects on its own),
    /// within <see cref="CanaryOptions.ReceiveTimeout"/>, and subscribes to the thread. A failure fails the round.
    /// </summary>
    private async Task SubscribeOnceAsync(ReHomeClient client, string threadId, CancellationToken stoppingToken)
    {
        if (_subscription is not null)
        {
            return;
        }

        if (client.ConnectedTo is null)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            attempt.CancelAfter(options.Value.ReceiveTimeout);
            try
            {
                await client.ConnectAsync(attempt.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the API's hub did not accept a connection within {options.Value.ReceiveTimeout}", client.LastConnectError);
            }
        }

        _subscription = await client.SubscribeAsync(threadId, new ThreadHandlers { OnToken = Receive, OnReset = Restart }, cancellationToken: stoppingToken);
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
            (_expected, _received) = (settings.Tokens, 0);
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
                missing = _expected - _received;
            }

            metrics.Error("canary");
            Log.TokensMissing(logger, missing, settings.Tokens, settings.ReceiveTimeout);
        }
    }

    /// <summary>
    /// A token of the thread, handed on once and in order per stream and epoch. Each round writes a new
    /// epoch of the canary's stream (reset, then seq 1 again), so the client hands its seqs on afresh.
    /// </summary>
    private void Receive(ReceivedToken token)
    {
        if (token.Event.StreamId != _streamId)
        {
            return;
        }

        var latency = token.Latency.TotalMilliseconds;
        lock (_gate)
        {
            if (_received >= _expected)
            {
                return;
            }

            _received++;
            // Warm-up rounds time JIT compilation, not delivery: kept out of the histogram and the p95.
            if (window.Record(latency))
            {
                metrics.TokenDelivered(latency);
            }

            if (_received >= _expected)
            {
                _roundReceived.TrySetResult();
            }
        }
    }

    /// <summary>A new epoch of the canary's stream (a round's first token): what came before it was not this round's.</summary>
    private void Restart(StreamResetEvent reset)
    {
        if (reset.StreamId != _streamId)
        {
            return;
        }

        lock (_gate)
        {
            _received = 0;
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
