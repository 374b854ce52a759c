using System.Globalization;
using StackExchange.Redis;

namespace ReHome.Benchmarks.Processes;

/// <summary>
/// Debian's <c>redis-server</c> on a free loopback port with a data folder of its own: append-only
/// file on (a restart keeps the data), no RDB snapshots. It can be stopped and started again on the
/// same port and folder, and an admin connection reads its memory and sets <c>maxmemory</c>.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly string _logPath;
    private readonly ConnectionMultiplexer _admin;
    private ChildProcess? _process;

    private RedisServer(int port, string dataDirectory, string logPath)
    {
        Port = port;
        _dataDirectory = dataDirectory;
        _logPath = logPath;
        // abortConnect=false: the admin connection rides out the restarts the benchmark causes.
        _admin = ConnectionMultiplexer.Connect($"{ConnectionString},allowAdmin=true,abortConnect=false,connectTimeout=2000,syncTimeout=3000");
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public static async Task<RedisServer> StartAsync(string workDirectory, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(workDirectory, "redis-data")).FullName;
        var server = new RedisServer(FreePorts.Next(), dataDirectory, Path.Combine(workDirectory, "redis.log"));
        await server.StartAgainAsync(cancellationToken);
        return server;
    }

    /// <summary>Starts redis-server (again) on the same port and data folder, and waits until it answers.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken)
    {
        _process?.Dispose();
        _process = ChildProcess.Start(
            "redis",
            "redis-server",
            ["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dataDirectory, "--appendonly", "yes", "--save", "", "--daemonize", "no"],
            _dataDirectory,
            new Dictionary<string, string>(),
            _logPath);
        await WaitUntilAnsweringAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    /// <summary>SIGTERM (redis flushes the append-only file and exits), SIGKILL after 10 s.</summary>
    public Task StopAsync() => _process?.TerminateAsync(TimeSpan.FromSeconds(10)) ?? Task.CompletedTask;

    public async Task<long> UsedMemoryAsync()
    {
        var info = await Server.InfoAsync("memory");
        var value = info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value;
        return long.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary><c>CONFIG SET maxmemory</c>; 0 means no limit. With the default noeviction policy a full Redis refuses writes.</summary>
    public Task SetMaxMemoryAsync(long bytes) => Server.ConfigSetAsync("maxmemory", bytes);

    /// <summary>Entries of a stream's consumer group each consumer holds unacknowledged (XPENDING summary).</summary>
    public async Task<IReadOnlyDictionary<string, int>> PendingByConsumerAsync(string streamKey, string group)
    {
        var pending = await _admin.GetDatabase().StreamPendingAsync(streamKey, group);
        return pending.Consumers.ToDictionary(consumer => consumer.Name.ToString(), consumer => consumer.PendingMessageCount);
    }

    public Task FlushAllAsync() => Server.FlushAllDatabasesAsync();

    private IServer Server => _admin.GetServer(ConnectionString);

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            try
            {
                await _admin.GetDatabase().PingAsync();
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException && !deadline.IsCancellationRequested)
            {
                await Task.Delay(200, deadline.Token);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {timeout}; see {_logPath}", exception);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        await _admin.DisposeAsync();
    }
}
