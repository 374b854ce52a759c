using System.Net;
using ReHome.Streaming.Naming;
using StackExchange.Redis;

namespace ReHome.Worker.Ops;

/// <summary>The commands' Redis connection: unlike the services', it fails at once, with the reason, when Redis cannot be reached.</summary>
internal static class OpsRedis
{
    public static ConfigurationOptions Options(IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(StreamNames.RedisConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw OpsFailure.Configuration(
                $"ConnectionStrings:{StreamNames.RedisConnectionName} is not set. Set ConnectionStrings__redis=host:port[,options] (the AppHost sets it for the worker).");
        }

        try
        {
            return ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException invalid)
        {
            throw OpsFailure.Configuration($"ConnectionStrings:{StreamNames.RedisConnectionName} is not a valid Redis connection string: {invalid.Message}");
        }
    }

    public static async Task<IConnectionMultiplexer> ConnectAsync(IConfiguration configuration, bool allowAdmin, CancellationToken cancellationToken)
    {
        var options = Options(configuration);
        options.AbortOnConnectFail = true;
        options.AllowAdmin = allowAdmin;
        options.ClientName = "rehome-ops";
        // StackExchange.Redis waits out its connect timeout even when the port refuses at once.
        if (await TcpFailureAsync(options, cancellationToken) is { } refused)
        {
            throw new OpsFailure($"Redis is not reachable at {Describe(options)}: {refused}");
        }

        try
        {
            return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException unreachable)
        {
            throw new OpsFailure($"Redis is not reachable at {Describe(options)}: {await ExplainAsync(options, unreachable, cancellationToken)}");
        }
    }

    /// <summary>The endpoints of a connection, without its password.</summary>
    public static string Describe(ConfigurationOptions options) => string.Join(", ", options.EndPoints.Select(Describe));

    private static string Describe(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? "?",
    };

    /// <summary>
    /// StackExchange.Redis says only that it could not connect; a plain TCP connect to the first
    /// endpoint tells the operator why (refused, timed out, unknown host), or that TCP works and the
    /// Redis handshake itself failed (a password, TLS).
    /// </summary>
    public static async Task<string> ExplainAsync(ConfigurationOptions options, RedisConnectionException? exception, CancellationToken cancellationToken)
    {
        var failure = exception?.FailureType ?? ConnectionFailureType.UnableToConnect;
        if (failure == ConnectionFailureType.AuthenticationFailure)
        {
            return "authentication failed; check the user and password in the connection string";
        }

        return await TcpFailureAsync(options, cancellationToken)
            ?? $"TCP connects, but the Redis handshake failed ({failure}); check TLS (ssl=) and the password";
    }

    /// <summary>Why a TCP connection to the only endpoint fails, or null when it connects (or there are several endpoints).</summary>
    public static async Task<string?> TcpFailureAsync(ConfigurationOptions options, CancellationToken cancellationToken)
    {
        var (host, port) = options.EndPoints.Count == 1 ? options.EndPoints[0] switch
        {
            DnsEndPoint dns => (dns.Host, dns.Port),
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            _ => (null, 0),
        } : (null, 0);
        if (host is null)
        {
            return null;
        }

        using var probe = new System.Net.Sockets.TcpClient();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMilliseconds(Math.Max(options.ConnectTimeout, 1_000)));
        try
        {
            await probe.ConnectAsync(host, port == 0 ? 6379 : port, deadline.Token);
            return null;
        }
        catch (System.Net.Sockets.SocketException socket)
        {
            return socket.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer (connect timed out)";
        }
    }
}
