using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.AppHost;

/// <summary>
/// Publishes the real AppHost, as a process, the way a deployment does (azd runs
/// <c>--publisher manifest --output-path</c>; <c>aspire do publish-manifest</c> runs the
/// <c>publish-manifest</c> step), and reads what a deployment would get. Neither needs a container
/// engine nor an Azure login.
/// </summary>
public sealed partial class DeploymentPublishTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AzdPublishDeclaresAnExternalApiAnInternalWorkerTheRedisContainerAndOnlySecretParametersForSecrets()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var manifestPath = Path.Combine(Directory.CreateTempSubdirectory("rehome-deploy-").FullName, "manifest.json");

        var outcome = await AppHostProcess.RunAsync(
            ["--publisher", "manifest", "--output-path", manifestPath], environment: null, ProcessTimeout, cancellation);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var resources = await ReadResourcesAsync(manifestPath, cancellation);
        AssertApiExternalWorkerInternal(resources);
        Assert.StartsWith("container.", resources.GetProperty("redis").GetProperty("type").GetString());
        Assert.Equal("{redis-password.value}", resources.GetProperty("redis").GetProperty("env").GetProperty("REDIS_PASSWORD").GetString());
        AssertSecretsComeFromSecretParameters(resources);
    }

    [Fact]
    public async Task PublishWithAnExternalRedisDeclaresItsConnectionStringAsASecretParameterAndNoRedisContainer()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var outputDirectory = Directory.CreateTempSubdirectory("rehome-deploy-").FullName;

        var outcome = await AppHostProcess.RunAsync(
            ["--operation", "publish", "--step", "publish-manifest", "--output-path", outputDirectory,
             "--Redis:Mode=external", "--Agent:Provider=OpenAI"],
            environment: null, ProcessTimeout, cancellation);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        var resources = await ReadResourcesAsync(Path.Combine(outputDirectory, "aspire-manifest.json"), cancellation);
        var redis = resources.GetProperty("redis");
        Assert.Equal("parameter.v0", redis.GetProperty("type").GetString());
        Assert.Equal("{redis.value}", redis.GetProperty("connectionString").GetString());
        Assert.True(redis.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        Assert.DoesNotContain(resources.EnumerateObject(), resource => resource.Value.GetProperty("type").GetString()!.StartsWith("container.", StringComparison.Ordinal));
        foreach (var project in new[] { "api", "worker" })
        {
            Assert.Equal("{redis.connectionString}", resources.GetProperty(project).GetProperty("env").GetProperty("ConnectionStrings__redis").GetString());
        }

        Assert.Equal("{openai-api-key.value}", resources.GetProperty("worker").GetProperty("env").GetProperty("Agent__OpenAI__ApiKey").GetString());
        AssertApiExternalWorkerInternal(resources);
        AssertSecretsComeFromSecretParameters(resources);
    }

    [Fact]
    public async Task ReplicasAreSetWhenPublishingAndLeftAtOneProcessForALocalRun()
    {
        var cancellation = TestContext.Current.CancellationToken;
        string[] replicas = ["--Replicas:api=3", "--Replicas:worker=2"];

        await using var published = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            ["--publisher", "manifest", "--output-path", Directory.CreateTempSubdirectory("rehome-deploy-").FullName, .. replicas], cancellation);
        await using var local = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            ["--Redis:Mode=external", "--ConnectionStrings:redis=localhost:1", .. replicas], cancellation);

        Assert.True(published.ExecutionContext.IsPublishMode);
        Assert.Equal(3, Project(published, "api").GetReplicaCount());
        Assert.Equal(2, Project(published, "worker").GetReplicaCount());
        Assert.Equal(1, Project(local, "api").GetReplicaCount());
        Assert.Equal(1, Project(local, "worker").GetReplicaCount());
    }

    [Fact]
    public async Task AReplicaCountBelowOneStopsThePublishNamingTheSetting()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var manifestPath = Path.Combine(Directory.CreateTempSubdirectory("rehome-deploy-").FullName, "manifest.json");

        var outcome = await AppHostProcess.RunAsync(
            ["--publisher", "manifest", "--output-path", manifestPath, "--Replicas:worker=0"], environment: null, ProcessTimeout, cancellation);

        Assert.NotEqual(0, outcome.ExitCode);
        Assert.Contains("Replicas:worker is '0'. Set it to a whole number of at least 1.", outcome.StandardError);
        Assert.False(File.Exists(manifestPath));
    }

    /// <summary>
    /// Aspire warns "No trusted Aspire development certificate" at every start when any resource uses
    /// TLS, and every project does unless it opts out. This asks Aspire's own test (DcpHost.ResourceUsesTls).
    /// </summary>
    [Fact]
    public async Task ALocalRunNeedsNoDevelopmentCertificate()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var usesTls = typeof(DistributedApplication).Assembly.GetType("Aspire.Hosting.Dcp.DcpHost")
            ?.GetMethod("ResourceUsesTls", BindingFlags.NonPublic | BindingFlags.Static);
        Assert.True(usesTls is not null, "Aspire's DcpHost.ResourceUsesTls is gone: find what decides the development certificate warning now.");

        await using var local = await DistributedApplicationTestingBuilder.CreateAsync<Projects.ReHome_AppHost>(
            ["--Redis:Mode=container"], cancellation);

        var usingTls = local.Resources.Where(resource => (bool)usesTls.Invoke(null, [resource])!).Select(resource => resource.Name);
        Assert.Empty(usingTls);
    }

    private static IResource Project(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Single(resource => resource.Name == name);

    private static async Task<JsonElement> ReadResourcesAsync(string manifestPath, CancellationToken cancellation)
    {
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, cancellation));
        return manifest.RootElement.GetProperty("resources").Clone();
    }

    private static void AssertApiExternalWorkerInternal(JsonElement resources)
    {
        foreach (var binding in resources.GetProperty("api").GetProperty("bindings").EnumerateObject())
        {
            Assert.True(binding.Value.TryGetProperty("external", out var external) && external.GetBoolean(), $"api binding {binding.Name} is not external");
        }

        foreach (var binding in resources.GetProperty("worker").GetProperty("bindings").EnumerateObject())
        {
            Assert.False(binding.Value.TryGetProperty("external", out var external) && external.GetBoolean(), $"worker binding {binding.Name} is external");
        }
    }

    /// <summary>
    /// Every environment value of the projects that carries a secret (a key, a password, a connection
    /// string) is made only of references, and every parameter it references is secret; no parameter
    /// anywhere that looks secret is plain.
    /// </summary>
    private static void AssertSecretsComeFromSecretParameters(JsonElement resources)
    {
        var secretParameters = resources.EnumerateObject()
            .Where(resource => resource.Value.GetProperty("type").GetString() == "parameter.v0")
            .ToDictionary(resource => resource.Name, resource => resource.Value.GetProperty("inputs").GetProperty("value").GetProperty("secret").GetBoolean());
        foreach (var (name, secret) in secretParameters)
        {
            Assert.True(secret || !SecretName().IsMatch(name), $"parameter {name} is not secret");
        }

        foreach (var project in new[] { "api", "worker" })
        {
            foreach (var variable in resources.GetProperty(project).GetProperty("env").EnumerateObject().Where(variable => IsSecretVariable(variable.Name)))
            {
                var value = variable.Value.GetString()!;
                Assert.True(Reference().Replace(value, string.Empty).Length == 0, $"{project} {variable.Name} has a literal part: {value}");
                foreach (Match reference in Reference().Matches(value))
                {
                    var resource = reference.Groups["resource"].Value;
                    Assert.True(
                        secretParameters.GetValueOrDefault(resource) || resources.GetProperty(resource).TryGetProperty("connectionString", out _),
                        $"{project} {variable.Name} references {reference.Value}, which is not a secret parameter or a connection string");
                }
            }
        }
    }

    /// <summary>A connection string, or a setting whose own name (the part after the last <c>__</c>) says secret.</summary>
    private static bool IsSecretVariable(string name) =>
        name.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase) || SecretName().IsMatch(name.Split("__")[^1]);

    [GeneratedRegex("key|password|secret|token|connectionstring", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\{(?<resource>[A-Za-z0-9-]+)\.[A-Za-z0-9.]+\}")]
    private static partial Regex Reference();
}
