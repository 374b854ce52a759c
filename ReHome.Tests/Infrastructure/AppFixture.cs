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
    private ApiReplica? _secondApi;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public string RedisConnectionString { get; private set; } = string.Empty;

    public Uri ApiEndpoint => App.GetEndpoint("api", "http");

    public async ValueTask InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.AppStart);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            [
                $"--Redis:DataDirectory={_redisDataDirectory}",
                $"--Parameters:{TestSigningKeys.PrimaryId}={TestSigningKeys.Primary}",
            ],
            timeout.Token);

        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Without a collector each service would wait out its 10 s export timeout on stop.
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                // Dozens of tests share two cores with this application; the runbook's 50 ms latency bar
                // would read a loaded test machine as an outage. The bar itself is tested in HealthAlertTests.
                context.EnvironmentVariables["Alerts__MaxCanaryP95Milliseconds"] = "5000";
            });
        }

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        await Task.WhenAll(ResourceNames.Select(name =>
            _app.ResourceNotifications.WaitForResourceHealthyAsync(name, timeout.Token)));

        RedisConnectionString = await _app.GetConnectionStringAsync("redis", timeout.Token)
            ?? throw new InvalidOperationException("redis has no connection string");
    }

    /// <summary>
    /// A second API instance on the same Redis (in the test process, on real Kestrel) that also
    /// accepts tokens of an older key (<see cref="TestSigningKeys.Older"/>, id <c>older</c>) for an hour.
    /// </summary>
    public ApiReplica SecondApi => _secondApi ??= StartSecondApi();

    private ApiReplica StartSecondApi()
    {
        var settings = ApiReplica.SettingsLike(RedisConnectionString);
        settings["Auth:SigningKeys:1:Id"] = "older";
        settings["Auth:SigningKeys:1:Key"] = TestSigningKeys.Older;
        settings["Auth:SigningKeys:1:NotAfter"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        return ApiReplica.Start(settings);
    }

    public Task<UserSession> SignInAsync(string? userId = null) => UserSession.SignInAsync(ApiEndpoint, userId);

    public HttpClient CreateHttpClient(string resourceName) => App.CreateHttpClient(resourceName, "http");

    public async ValueTask DisposeAsync()
    {
        if (_secondApi is not null)
        {
            await _secondApi.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_redisDataDirectory, recursive: true);
    }
}
