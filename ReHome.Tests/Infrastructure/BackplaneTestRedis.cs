using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A redis-server of one test's own (free port, temp folder, no persistence), for tests that break
/// connections to Redis without disturbing the shared fixture's. <see cref="Admin"/> is a connection
/// opened before anything is locked out, so it keeps working when <see cref="LockOutNewConnectionsAsync"/>
/// turns new ones away.
/// </summary>
public sealed class BackplaneTestRedis : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private BackplaneTestRedis(Process process, string directory, int port, ConnectionMultiplexer admin)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Admin = admin;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public ConnectionMultiplexer Admin { get; }

    public static async Task<BackplaneTestRedis> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("rehome-backplane-redis-").FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();

        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                var admin = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},allowAdmin=true,abortConnect=true,connectTimeout=1000");
                return new BackplaneTestRedis(process, directory, port, admin);
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>
    /// Makes Redis demand a password: connections already open stay authenticated and keep working,
    /// new ones (a multiplexer reconnecting) are refused until <see cref="LetNewConnectionsInAsync"/>.
    /// </summary>
    public Task LockOutNewConnectionsAsync() => Admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", $"locked-{Guid.NewGuid():N}");

    public Task LetNewConnectionsInAsync() => Admin.GetDatabase().ExecuteAsync("CONFIG", "SET", "requirepass", "");

    /// <summary>Closes every pub/sub connection (the SignalR backplanes' subscriptions); returns how many.</summary>
    public async Task<long> KillSubscriptionsAsync() => (long)await Admin.GetDatabase().ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");

    public async ValueTask DisposeAsync()
    {
        await Admin.DisposeAsync();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
