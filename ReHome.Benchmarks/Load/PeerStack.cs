using System.Globalization;
using System.Text.Json;
using ReHome.Benchmarks.Processes;
using ReHome.Client;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// The socket.io peer, run by its own <c>run.js</c> one step at a time (server.js with the Redis
/// adapter, emitter.js publishing through @socket.io/redis-emitter, the load clients, CPU and RSS from
/// /proc over the window) against a redis-server of its own. The latencies and counts come from the
/// clients' files (the same client.js as ReHome's), CPU and RSS from run.js's <c>results/&lt;name&gt;.json</c>.
/// </summary>
internal sealed class PeerStack : IAsyncDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(89);
    private readonly PeerWorkspace _workspace;
    private readonly LoadOptions _options;
    private readonly RedisServer _redis;
    private readonly string _results;

    private PeerStack(PeerWorkspace workspace, LoadOptions options, RedisServer redis, string results)
    {
        _workspace = workspace;
        _options = options;
        _redis = redis;
        _results = results;
    }

    public string ResultsDirectory => _results;

    public static async Task<PeerStack> StartAsync(PeerWorkspace workspace, LoadOptions options, string workDirectory, CancellationToken cancellationToken)
    {
        var redis = await RedisServer.StartAsync(Directory.CreateDirectory(Path.Combine(workDirectory, "peer-redis")).FullName, cancellationToken);
        // run.js watches the Redis whose pid is in run/redis.pid (as perfpeer's redis.sh leaves it).
        Directory.CreateDirectory(Path.Combine(workspace.Directory, "run"));
        await File.WriteAllTextAsync(Path.Combine(workspace.Directory, "run", "redis.pid"), redis.ProcessId?.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var results = Directory.CreateDirectory(Path.Combine(workDirectory, "peer-results")).FullName;
        return new PeerStack(workspace, options, redis, results);
    }

    public async Task<StepResult> RunStepAsync(LoadShape shape, int rate, CancellationToken cancellationToken)
    {
        var measure = _options.MeasureFor(shape);
        var name = $"{shape.Name}@{rate}";
        ClientOutputs.Clear(_results);
        string I(double value) => value.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            ["RESULTS_DIR"] = _results,
            // No waiting for a quiet machine and no retries: both stacks are measured as the machine is; "other CPU %" shows the noise.
            ["QUIET_WAIT_S"] = "0",
            // The schedule, for the clients' count of the measured seqs (run.js passes its environment on).
            ["LOAD_THREADS"] = I(shape.Threads),
            ["LOAD_RATE"] = I(rate),
            ["LOAD_WARMUP_S"] = I(_options.Warmup),
            ["LOAD_MEASURE_S"] = I(measure),
        };
        string[] arguments =
        [
            "run.js", "--name", name, "--threads", I(shape.Threads), "--cpt", I(shape.ClientsPerThread), "--rate", I(rate),
            "--warmup", I(_options.Warmup), "--measure", I(measure), "--client-procs", I(_options.ClientProcesses),
            "--redis-port", I(_redis.Port), "--port", I(FreePorts.Next()), "--retries", "0",
        ];
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var run = ChildProcess.Start("run.js", "node", arguments, _workspace.Directory, environment, Path.Combine(_results, $"{name}.log")))
        {
            try
            {
                await run.WaitForExitAsync(StepTimeout).WaitAsync(cancellationToken);
            }
            catch (TimeoutException)
            {
                return StepResult.Failed(shape.Name, LoadOptions.SocketIo, rate, shape.Connections, $"run.js did not finish within {StepTimeout.TotalSeconds:0} s");
            }

            if (run.ExitCode != 0)
            {
                return StepResult.Failed(shape.Name, LoadOptions.SocketIo, rate, shape.Connections, $"run.js exited {run.ExitCode}; see {Path.Combine(_results, name + ".log")}");
            }
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_results, $"{name}.json"), cancellationToken));
        var result = json.RootElement;
        var outputs = ClientOutputs.Read(_results);
        double Of(string group, string process) => result.GetProperty(group).TryGetProperty(process, out var value) ? value.GetDouble() : double.NaN;
        return new StepResult(
            shape.Name, LoadOptions.SocketIo, rate, shape.Connections,
            LatencySummary.Of([.. outputs.LatenciesMs]),
            outputs.Measured / measure,
            shape.Connections * rate,
            outputs.Lost,
            outputs.Duplicated,
            result.GetProperty("emittedPerS").GetDouble() / (shape.Threads * rate),
            [Of("cpuPct", "server"), Of("cpuPct", "emitter"), Of("cpuPct", "redis")],
            [Of("rssMB", "server"), Of("rssMB", "emitter"), Of("rssMB", "redis")],
            result.GetProperty("otherCpuPct").GetDouble());
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
