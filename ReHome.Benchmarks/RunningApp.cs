using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ReHome.Client;

namespace ReHome.Benchmarks;

/// <summary>
/// The whole application (redis, api, worker) started through the real AppHost, with a Redis data
/// folder of its own, so a benchmark measures the path users run and leaves no state behind.
/// </summary>
internal sealed class RunningApp : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly string _dataDirectory;

    private RunningApp(DistributedApplication app, string dataDirectory, string redis)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        RedisConnectionString = redis;
    }

    public string RedisConnectionString { get; }

    public Uri Api => _app.GetEndpoint("api", "http");

    public static async Task<RunningApp> StartAsync(
        IEnumerable<string> appHostArguments,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? workerEnvironment = null,
        IReadOnlyDictionary<string, string>? apiEnvironment = null,
        bool bypassDevProxy = false)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("rehome-bench-redis-").FullName;
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            [$"--Redis:DataDirectory={dataDirectory}", .. appHostArguments], cancellationToken);
        // Resource logs (api, worker, redis) would drown the figures.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("ReHome.AppHost.Resources", LogLevel.None).AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var environment = project.Name == "worker" ? workerEnvironment : project.Name == "api" ? apiEnvironment : null;
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                {
                    context.EnvironmentVariables[name] = value;
                }
            });
        }

        if (bypassDevProxy)
        {
            // Clients talk to the services directly, as in production, not through the AppHost's local proxy.
            foreach (var project in builder.Resources.OfType<ProjectResource>())
            {
                var port = FreePort();
                builder.CreateResourceBuilder(project).WithEndpoint("http", endpoint => { endpoint.IsProxied = false; endpoint.Port = port; endpoint.TargetPort = port; });
            }
        }

        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        foreach (var name in new[] { "redis", "api", "worker" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken);
        }

        var redis = await app.GetConnectionStringAsync("redis", cancellationToken) ?? throw new InvalidOperationException("redis has no connection string");
        return new RunningApp(app, dataDirectory, redis);
    }

    /// <summary>The process id of a resource (for its memory), as DCP reports it.</summary>
    public int? ProcessId(string resource) =>
        _app.ResourceNotifications.TryGetCurrentState(resource, out var state)
        && state.Snapshot.Properties.FirstOrDefault(p => p.Name.EndsWith(".pid", StringComparison.Ordinal))?.Value is { } pid
        && int.TryParse(pid.ToString(), out var id) ? id : null;

    public async Task<(HttpClient Http, string AccessToken)> SignInAsync(string userId)
    {
        using var anonymous = new HttpClient { BaseAddress = Api };
        using var response = await anonymous.PostAsJsonAsync("/api/dev/token", new { userId });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var token = body.RootElement.GetProperty("accessToken").GetString()!;
        var http = new HttpClient { BaseAddress = Api };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return (http, token);
    }

    public static async Task<string> CreateThreadAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/threads", new { title = "benchmark" });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>A <see cref="ReHomeClient"/> of the api, as an app would use it (not connected yet).</summary>
    public ReHomeClient CreateClient(string accessToken) =>
        new(new ReHomeClientOptions { ApiUrls = [Api], AccessTokenProvider = () => Task.FromResult<string?>(accessToken) });

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
