using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A redis-server process of a test's own, on a free port with its data in a temporary folder: for
/// settings the shared Redis must not get (an evicting maxmemory-policy), or for pausing, stopping and
/// starting Redis without disturbing other tests.
/// </summary>
public sealed class AlertsRedisServer : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rehome-tests-own-redis-").FullName;
    private readonly string[] _arguments;
    private Process? _process;

    private AlertsRedisServer(string[] arguments)
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _arguments = arguments;
    }

    public int Port { get; }

    /// <summary>A connection string like the AppHost's: reconnect rather than fail while this server is stopped.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    /// <summary>A server started with extra <c>redis-server</c> arguments (<c>--maxmemory-policy allkeys-lru</c>).</summary>
    public static async Task<AlertsRedisServer> StartAsync(params string[] arguments)
    {
        var server = new AlertsRedisServer(arguments);
        await server.StartAsync();
        return server;
    }

    /// <summary>A server that is not running yet: its port is chosen, <see cref="StartAsync()"/> starts it.</summary>
    public static AlertsRedisServer NotStarted(params string[] arguments) => new(arguments);

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no" }.Concat(_arguments))
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.MatchesAsync(() => Task.FromResult(Accepts()), accepts => accepts, TestTimeouts.Default, $"redis-server on port {Port} accepting connections");
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open but nothing is answered, as in a stall or a failover.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a paused server go on (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task SignalAsync(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running");
        using var kill = Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
