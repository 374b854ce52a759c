using System.Text.Json;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.AppHost;

public sealed class AppHostProcessTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PublishManifestDeclaresRedisContainerAndTheProjectsWithTheirReferences()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var manifestPath = Path.Combine(Directory.CreateTempSubdirectory("rehome-manifest-").FullName, "manifest.json");

        var outcome = await AppHostProcess.RunAsync(
            ["--publisher", "manifest", "--output-path", manifestPath], environment: null, ProcessTimeout, cancellation);

        Assert.True(outcome.ExitCode == 0, outcome.StandardOutput + outcome.StandardError);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, cancellation));
        var resources = manifest.RootElement.GetProperty("resources");
        Assert.StartsWith("container.", resources.GetProperty("redis").GetProperty("type").GetString());
        foreach (var project in new[] { "api", "worker" })
        {
            var resource = resources.GetProperty(project);
            Assert.StartsWith("project.", resource.GetProperty("type").GetString());
            Assert.Equal("{redis.connectionString}", resource.GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
        }
        Assert.Equal("{api.bindings.http.url}", resources.GetProperty("worker").GetProperty("env").GetProperty("services__api__http__0").GetString());
    }

    [Fact]
    public async Task LocalModeWithoutRedisServerOnPathStopsAtOnceWithAMessageSayingWhatToInstall()
    {
        var cancellation = TestContext.Current.CancellationToken;

        var outcome = await AppHostProcess.RunAsync(
            ["--Redis:Mode=local"],
            new Dictionary<string, string> { ["PATH"] = "/nonexistent" },
            ProcessTimeout,
            cancellation);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("'redis-server' is not on PATH", outcome.StandardError);
        Assert.Contains("apt-get install -y redis-server", outcome.StandardError);
        Assert.DoesNotContain("   at ", outcome.StandardError);
    }
}
