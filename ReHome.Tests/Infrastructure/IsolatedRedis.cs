using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A redis-server process of a test's own, on a free loopback port with its data in a temporary
/// folder: a test can stop it (an outage) and start it again on the same port and data without
/// disturbing the shared application. Every write is fsynced to the append-only file, so a restart
/// loses nothing — the outage is one of availability, not of data.
/// </summary>
public sealed class IsolatedRedis : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rehome-isolated-redis-").FullName;
    private Process? _process;

    private IsolatedRedis(int port) => Port = port;

    public int Port { get; }

    /// <summary>Clients keep reconnecting while the server is down (abortConnect=false).</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public static async Task<IsolatedRedis> StartAsync()
    {
        var redis = new IsolatedRedis(FreeLoopbackPort());
        await redis.StartAgainAsync();
        return redis;
    }

    /// <summary>Starts the server (again) on the same port and data, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", _directory, "--appendonly", "yes", "--appendfsync", "always", "--save", string.Empty, "--daemonize", "no",
        })
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
            catch (RedisConnectionException) when (!deadline.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL): connections drop, nothing is lost (every write was fsynced).</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
