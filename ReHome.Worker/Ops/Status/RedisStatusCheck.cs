using System.Globalization;
using ReHome.Streaming.Naming;
using StackExchange.Redis;

namespace ReHome.Worker.Ops.Status;

/// <summary>The Redis line of <c>status</c>: reachable, answering, and accepting writes — or DOWN with why.</summary>
internal static class RedisStatusCheck
{
    /// <summary>PING, then a write and a read: a Redis that answers PING but refuses writes (out of memory, a replica) cannot stream.</summary>
    public static async Task<PartStatus> CheckAsync(IConfiguration configuration, TimeSpan timeout, CancellationToken cancellationToken)
    {
        const string Part = "redis";
        ConfigurationOptions options;
        try
        {
            options = OpsRedis.Options(configuration);
        }
        catch (OpsFailure notConfigured)
        {
            return new PartStatus(Part, PartState.Down, notConfigured.Message);
        }

        options.AbortOnConnectFail = true;
        options.ConnectTimeout = (int)timeout.TotalMilliseconds;
        options.SyncTimeout = options.AsyncTimeout = (int)timeout.TotalMilliseconds;
        options.ClientName = "rehome-ops-status";
        if (await OpsRedis.TcpFailureAsync(options, cancellationToken) is { } refused)
        {
            return new PartStatus(Part, PartState.Down, $"not reachable at {OpsRedis.Describe(options)}: {refused}");
        }

        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(timeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisConnectionException or TimeoutException)
        {
            var reason = await OpsRedis.ExplainAsync(options, exception as RedisConnectionException, cancellationToken);
            return new PartStatus(Part, PartState.Down, $"not reachable at {OpsRedis.Describe(options)}: {reason}");
        }

        await using (redis)
        {
            try
            {
                var database = redis.GetDatabase();
                var ping = await database.PingAsync();
                var probe = StreamNames.Keys.OpsProbe(Guid.NewGuid().ToString("N"));
                await database.StringSetAsync(probe, "ok", TimeSpan.FromMinutes(1));
                var read = await database.StringGetAsync(probe);
                await database.KeyDeleteAsync(probe);
                var detail = Invariant($"PONG in {ping.TotalMilliseconds:0.0} ms, write and read {(read == "ok" ? "ok" : "FAILED")} at {OpsRedis.Describe(options)}");
                return new PartStatus(Part, read == "ok" ? PartState.Ok : PartState.Down, detail);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // Connected, but a command failed: out of memory (writes refused), a read-only replica, a timeout.
                return new PartStatus(Part, PartState.Down, $"{OpsRedis.Describe(options)}: {OpsErrors.Reason(exception)}");
            }
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
