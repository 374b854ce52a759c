using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(ReHome.Tests.Infrastructure.AppFixture))]

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// The whole ReHome application (redis, api, worker) started once for the test assembly through
/// the real AppHost. Its Redis keeps its data in a temporary folder, so a developer's running
/// AppHost and the tests never share state.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    public static readonly string[] ResourceNames = ["redis", "api", "worker"];

    private readonly string _redisDataDirectory = Directory.CreateTempSubdirectory("rehome-tests-redis-").FullName;
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public string RedisConnectionString { get; private set; } = string.Empty;

    public Uri ApiEndpoint => App.GetEndpoint("api", "http");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.AppStart);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            [$"--Redis:DataDirectory={_redisDataDirectory}"], timeout.Token);

        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Without a collector each service would wait out its 10 s export timeout on stop.
            builder.CreateResourceBuilder(project)
                .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await Task.WhenAll(ResourceNames.Select(name =>
            _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));

        RedisConnectionString = await _app.GetConnectionStringAsync("redis", timeout.Token)
            ?? throw new InvalidOperationException("redis has no connection string");
    }

    public HttpClient CreateHttpClient(string resourceName) => App.CreateHttpClient(resourceName, "http");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_redisDataDirectory, recursive: true);
    }
}
