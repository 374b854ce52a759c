using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A redis-server process of a test's own, on a free loopback port with its data in a temporary
/// folder: for settings the shared Redis must not get (an evicting maxmemory-policy), and for outages
/// — kill it and start it again on the same port and data, freeze it, lock reconnects out — without
/// disturbing the shared application. Every write is fsynced to the append-only file, so a restart
/// loses nothing: an outage is one of availability, not of data.
/// </summary>
public sealed class IsolatedRedis : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rehome-isolated-redis-").FullName;
    private readonly string[] _arguments;
    private Process? _process;
    private ConnectionMultiplexer? _admin;

    private IsolatedRedis(string[] arguments)
    {
        _arguments = arguments;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    /// <summary>A connection string like the AppHost's: clients keep reconnecting while the server is down.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>A started server; <paramref name="arguments"/> are extra <c>redis-server</c> arguments (<c>--maxmemory-policy allkeys-lru</c>).</summary>
    public static async Task<IsolatedRedis> StartAsync(params string[] arguments)
    {
        var redis = new IsolatedRedis(arguments);
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on the same port and data, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] defaults =
        [
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _directory, "--appendonly", "yes", "--appendfsync", "always", "--save", string.Empty, "--daemonize", "no",
        ];
        foreach (var argument in defaults.Concat(_arguments))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested && !_process.HasExited)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL): connections drop, nothing is lost (every write was fsynced).</summary>
    public async Task KillAsync()
    {
        if (_admin is not null)
        {
            await _admin.DisposeAsync();
            _admin = null;
        }

        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, as in a stall or a failover.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>
    /// Makes Redis demand a password: connections already open stay authenticated and keep working,
    /// new ones (a multiplexer reconnecting) are refused until <see cref="LetNewConnectionsInAsync"/>.
    /// </summary>
    public async Task LockOutNewConnectionsAsync() =>
        await (await AdminAsync()).GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", $"locked-{Guid.NewGuid():N}");

    public async Task LetNewConnectionsInAsync() =>
        await (await AdminAsync()).GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", string.Empty);

    /// <summary>Closes every pub/sub connection (the SignalR backplanes' subscriptions); returns how many.</summary>
    public async Task<long> KillSubscriptionsAsync() =>
        (long)await (await AdminAsync()).GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>One connection of the test's own, opened before any lock-out, so it keeps working through one.</summary>
    private async Task<ConnectionMultiplexer> AdminAsync() =>
        _admin ??= await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{Port},allowAdmin=true,connectTimeout=1000");

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        using var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
