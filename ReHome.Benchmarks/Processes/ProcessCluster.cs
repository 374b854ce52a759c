using System.Globalization;
using System.Security.Cryptography;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using StackExchange.Redis;

namespace ReHome.Benchmarks.Processes;

/// <summary>
/// Redis, N api processes and M worker processes, each a real process started from the Release build
/// with the environment an operator would give it, its output in a log file under <see cref="LogDirectory"/>.
/// A killed service is started again on the same port by <see cref="ReplaceExitedAsync"/>.
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private const string QueueName = "runs";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private ClusterSettings _settings;
    private readonly ServiceBuild.Outputs _build;
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
    private readonly HttpClient _probe = new() { Timeout = TimeSpan.FromSeconds(3) };
    private readonly List<Service> _services = [];

    private ProcessCluster(ClusterSettings settings, ServiceBuild.Outputs build, string logDirectory, RedisServer redis)
    {
        _settings = settings;
        _build = build;
        LogDirectory = logDirectory;
        Redis = redis;
    }

    public string LogDirectory { get; }

    public RedisServer Redis { get; }

    public IReadOnlyList<Uri> Apis => [.. _services.Where(service => service.IsApi).Select(service => service.Address)];

    public IEnumerable<Service> Services => _services;

    public static async Task<ProcessCluster> StartAsync(
        ClusterSettings settings, ServiceBuild.Outputs build, CancellationToken cancellationToken, string directoryPrefix = "rehome-faultbench-")
    {
        var directory = Directory.CreateTempSubdirectory(directoryPrefix).FullName;
        Console.WriteLine($"logs and Redis data: {directory}");
        var redis = await RedisServer.StartAsync(directory, cancellationToken);
        var cluster = new ProcessCluster(settings, build, directory, redis);
        try
        {
            for (var index = 1; index <= settings.Apis; index++)
            {
                cluster._services.Add(new Service($"api-{index}", IsApi: true, FreePorts.Next()));
            }

            for (var index = 1; index <= settings.Workers; index++)
            {
                cluster._services.Add(new Service($"worker-{index}", IsApi: false, FreePorts.Next()));
            }

            foreach (var service in cluster._services)
            {
                cluster.Launch(service);
            }

            await Task.WhenAll(cluster._services.Select(service => cluster.WaitHealthyAsync(service, cancellationToken)));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Service Api(int index) => _services.Where(service => service.IsApi).ElementAt(index);

    public Service Worker(int index) => _services.Where(service => !service.IsApi).ElementAt(index);

    /// <summary>
    /// The worker holding the most runs now (its queue consumer, named machine-pid, has the most
    /// unacknowledged jobs), so killing it hits streams; the first worker when that cannot be read.
    /// </summary>
    public async Task<Service> BusiestWorkerAsync()
    {
        var held = new Dictionary<string, int>();
        try
        {
            foreach (var priority in RunPriorities.InOrder)
            {
                foreach (var (consumer, count) in await Redis.PendingByConsumerAsync(StreamNames.Keys.Queue(QueueName, priority), QueueOptions.ConsumerGroup))
                {
                    held[consumer] = held.GetValueOrDefault(consumer) + count;
                }
            }
        }
        catch (RedisException)
        {
        }

        return _services.Where(service => !service.IsApi && service.Process is { HasExited: false })
            .MaxBy(service => held.FirstOrDefault(pair => pair.Key.EndsWith($"-{service.Process!.Id}", StringComparison.Ordinal)).Value)
            ?? Worker(0);
    }

    /// <summary>Services that exited by themselves (crashed, or stopped on an error) since they were started, with their exit codes.</summary>
    public IReadOnlyList<string> ExitedByThemselves() =>
        [.. _services.Where(service => service.Process is { ExitedByItself: true }).Select(service => $"{service.Name} (exit {service.Process!.ExitCode})")];

    /// <summary>Starts every service that has exited (was killed) again, on its port, and waits until it is healthy.</summary>
    public async Task ReplaceExitedAsync(CancellationToken cancellationToken)
    {
        var exited = _services.Where(service => service.Process is null or { HasExited: true }).ToArray();
        foreach (var service in exited)
        {
            Console.WriteLine($"  starting a replacement for {service.Name}");
            Launch(service);
        }

        await Task.WhenAll(exited.Select(service => WaitHealthyAsync(service, cancellationToken)));
    }

    /// <summary>
    /// Stops every api and worker (SIGTERM, SIGKILL after 10 s) and starts them again on their ports with
    /// new settings (the same Redis, signing key and data), then waits until all are healthy.
    /// </summary>
    public async Task RestartAllAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Apis != _settings.Apis || settings.Workers != _settings.Workers)
        {
            throw new ArgumentException("a restart keeps the number of apis and workers", nameof(settings));
        }

        await Task.WhenAll(_services.Select(service => service.Process?.TerminateAsync(TimeSpan.FromSeconds(10)) ?? Task.CompletedTask));
        _settings = settings;
        foreach (var service in _services)
        {
            Launch(service);
        }

        await Task.WhenAll(_services.Select(service => WaitHealthyAsync(service, cancellationToken)));
    }

    private void Launch(Service service)
    {
        service.Process?.Dispose();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = Redis.ConnectionString,
            ["ASPNETCORE_URLS"] = service.Address.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Auth__SigningKeys__0__Id"] = "faultbench",
            ["Auth__SigningKeys__0__Key"] = _signingKey,
            // One benchmark user drives every thread: the per-user and per-thread limits would refuse it.
            ["RateLimit__ActionsPerWindow"] = "1000000",
            ["Threads__MaxCreatedPerUser"] = "1000000",
            ["Queue__Name"] = QueueName,
            ["Queue__VisibilityTimeout"] = _settings.VisibilityTimeout.ToString("c", CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in _settings.Environment ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        if (!service.IsApi)
        {
            environment["Agent__Provider"] = "Offline";
            environment["Agent__Offline__TokensPerSecond"] = _settings.TokensPerSecond.ToString(CultureInfo.InvariantCulture);
            environment["Agent__Offline__ReplyTokens"] = _settings.ReplyTokens.ToString(CultureInfo.InvariantCulture);
            environment["Queue__Concurrency"] = _settings.WorkerConcurrency.ToString(CultureInfo.InvariantCulture);
            environment["services__api__http__0"] = Apis[0].ToString().TrimEnd('/');
            // The canary's stream would be one more load on two shared cores; the benchmark's clients measure delivery.
            environment["Canary__Enabled"] = "false";
        }

        var directory = service.IsApi ? _build.ApiDirectory : _build.WorkerDirectory;
        var assembly = service.IsApi ? _build.ApiAssembly : _build.WorkerAssembly;
        service.Process = ChildProcess.Start(service.Name, "dotnet", [assembly], directory, environment, Path.Combine(LogDirectory, service.Name + ".log"));
    }

    private async Task WaitHealthyAsync(Service service, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StartTimeout);
        while (true)
        {
            if (service.Process is { HasExited: true })
            {
                throw new InvalidOperationException($"{service.Name} exited at start; see {Path.Combine(LogDirectory, service.Name + ".log")}");
            }

            try
            {
                using var response = await _probe.GetAsync(new Uri(service.Address, "/health"), deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{service.Name} was not healthy within {StartTimeout}; see {LogDirectory}");
            }

            try
            {
                await Task.Delay(250, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{service.Name} was not healthy within {StartTimeout}; see {LogDirectory}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            service.Process?.Dispose();
        }

        await Redis.DisposeAsync();
        _probe.Dispose();
    }

    /// <summary>One api or worker: its name, its port (kept across replacements) and its current process.</summary>
    internal sealed record Service(string Name, bool IsApi, int Port)
    {
        public Uri Address { get; } = new($"http://127.0.0.1:{Port}/");

        public ChildProcess? Process { get; set; }
    }
}
