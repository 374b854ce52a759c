namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Runs the worker's operator CLI (<c>ReHome.Worker &lt;command&gt;</c>) as its own process against the
/// shared application, with the settings the AppHost gives the worker: Redis, the API's and the
/// worker's addresses, the signing key, the Development environment.
/// </summary>
public static class OpsCli
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);

    private static string WorkerProjectPath => new Projects.ReHome_Worker().ProjectPath;

    public static string ExecutablePath => BuiltProcess.ExecutablePath(WorkerProjectPath, "ReHome.Worker");

    /// <summary>Runs one command; <paramref name="overrides"/> change settings, as environment variables (<c>Reaper__IdleThreshold</c>), an empty value unsetting one.</summary>
    public static Task<BuiltProcess.Outcome> RunAsync(AppFixture fixture, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__redis"] = fixture.RedisConnectionString,
            ["services__api__http__0"] = fixture.ApiEndpoint.ToString(),
            ["services__worker__http__0"] = fixture.App.GetEndpoint("worker", "http").ToString(),
            ["Auth__SigningKeys__0__Id"] = TestSigningKeys.PrimaryId,
            ["Auth__SigningKeys__0__Key"] = TestSigningKeys.Primary,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        return BuiltProcess.RunAsync(
            ExecutablePath,
            BuiltProcess.ProjectDirectory(WorkerProjectPath),
            arguments,
            environment,
            ProcessTimeout,
            TestContext.Current.CancellationToken);
    }

    /// <summary>A loopback port nothing listens on: connecting to it is refused at once.</summary>
    public static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
