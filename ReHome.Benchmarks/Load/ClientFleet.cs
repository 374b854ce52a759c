using System.Globalization;
using System.Text.Json;
using ReHome.Benchmarks.Processes;

namespace ReHome.Benchmarks.Load;

/// <summary>
/// The load-client processes of one ReHome step: <c>node client.js</c> (KIND=signalr) in the perfpeer
/// copy, connections split evenly over them, talking JSON lines (ready, result on stdout; stop on stdin).
/// </summary>
internal sealed class ClientFleet : IDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The JS client package's entry; its dependencies are installed when the api is built (ClientApp.targets).</summary>
    private static readonly string RehomeClientModule =
        Path.Combine(ServiceBuild.RepositoryRoot(), "ReHome.Api", "ClientApp", "src", "rehome-client.js");
    private static readonly TimeSpan ResultTimeout = TimeSpan.FromSeconds(30);
    private readonly List<Member> _members = [];

    public IEnumerable<int> ProcessIds => _members.Select(member => member.Process.Id);

    /// <summary>Starts the processes and waits until every connection subscribed.</summary>
    public static async Task<ClientFleet> StartAsync(
        PeerWorkspace workspace, Uri hub, string accessToken, IReadOnlyList<string> threadIds, int clientsPerThread, int processes, string outputDirectory,
        CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(RehomeClientModule)!, "..", "node_modules", "@microsoft", "signalr")))
        {
            throw new InvalidOperationException($"The load clients use @rehome/client, whose dependencies are not installed: build ReHome.Api (it runs npm ci in {Path.GetDirectoryName(Path.GetDirectoryName(RehomeClientModule))}).");
        }

        var connections = threadIds.Count * clientsPerThread;
        var count = Math.Clamp(processes, 1, connections);
        var each = (int)Math.Ceiling(connections / (double)count);
        var fleet = new ClientFleet();
        try
        {
            for (var index = 0; index * each < connections; index++)
            {
                var environment = new Dictionary<string, string>
                {
                    ["KIND"] = "signalr",
                    ["URL"] = hub.ToString(),
                    ["REHOME_CLIENT_MODULE"] = RehomeClientModule,
                    ["ACCESS_TOKEN"] = accessToken,
                    ["THREAD_IDS"] = string.Join(',', threadIds),
                    ["CONN_START"] = (index * each).ToString(CultureInfo.InvariantCulture),
                    ["CONNS"] = Math.Min(each, connections - (index * each)).ToString(CultureInfo.InvariantCulture),
                    ["CLIENTS_PER_THREAD"] = clientsPerThread.ToString(CultureInfo.InvariantCulture),
                    ["OUT"] = outputDirectory,
                    ["CLIENT_INDEX"] = index.ToString(CultureInfo.InvariantCulture),
                };
                var member = new Member();
                member.Process = ChildProcess.Start(
                    $"client{index}", "node", [workspace.ClientScript], workspace.Directory, environment,
                    Path.Combine(outputDirectory, $"client{index}.log"), member.OnLine, withInput: true);
                fleet._members.Add(member);
            }

            await Task.WhenAll(fleet._members.Select(member => member.Ready.Task)).WaitAsync(ReadyTimeout, cancellationToken);
            return fleet;
        }
        catch (TimeoutException)
        {
            fleet.Dispose();
            throw new TimeoutException($"the load clients did not connect within {ReadyTimeout.TotalSeconds:0} s; see {outputDirectory}/client*.log");
        }
        catch
        {
            fleet.Dispose();
            throw;
        }
    }

    /// <summary>Sends stop with the window and the seqs each thread's log holds in it; waits for every process's result.</summary>
    public async Task StopAsync(double fromUnixMs, double toUnixMs, IReadOnlyDictionary<string, long[]> ranges, CancellationToken cancellationToken)
    {
        var stop = JsonSerializer.Serialize(new Dictionary<string, object> { ["type"] = "stop", ["from"] = fromUnixMs, ["to"] = toUnixMs, ["ranges"] = ranges });
        foreach (var member in _members)
        {
            await member.Process.WriteLineAsync(stop);
        }

        await Task.WhenAll(_members.Select(member => member.Result.Task)).WaitAsync(ResultTimeout, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var member in _members)
        {
            member.Process?.Dispose();
        }
    }

    private sealed class Member
    {
        public ChildProcess Process { get; set; } = null!;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnLine(string line)
        {
            if (!line.StartsWith('{'))
            {
                return;
            }

            try
            {
                using var message = JsonDocument.Parse(line);
                switch (message.RootElement.GetProperty("type").GetString())
                {
                    case "ready":
                        Ready.TrySetResult();
                        break;
                    case "result":
                        Result.TrySetResult();
                        break;
                    case "error":
                        var error = new InvalidOperationException($"load client failed: {message.RootElement.GetProperty("error").GetString()}");
                        Ready.TrySetException(error);
                        Result.TrySetException(error);
                        break;
                }
            }
            catch (JsonException)
            {
                // Not one of ours: a library's output; it is in the log.
            }
        }
    }
}
