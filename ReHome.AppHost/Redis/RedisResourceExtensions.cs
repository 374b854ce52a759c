using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ReHome.AppHost.Redis;

/// <summary>
/// Adds the <c>redis</c> resource the way this machine can run it (<c>Redis:Mode</c>): the standard
/// container where a container engine answers, the machine's <c>redis-server</c> where none does,
/// or an external Redis. Publishing declares the standard Redis container (deployment targets run
/// containers, not local executables) or, with <c>Redis:Mode=external</c>, the connection string of an
/// existing Redis as a secret parameter (<c>redis</c>) that the deployment asks for.
/// </summary>
internal static class RedisResourceExtensions
{
    private const string SectionName = "Redis";

    public static IResourceBuilder<IResourceWithConnectionString> AddReHomeRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var section = builder.Configuration.GetSection(SectionName);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return ReadMode(section) == RedisMode.External
                ? builder.AddConnectionString(name)
                : builder.AddRedis(name).WithDataVolume();
        }

        var serverPath = section["ServerPath"] ?? "redis-server";

        return ReadMode(section) switch
        {
            RedisMode.Container => builder.AddRedisContainer(name),
            RedisMode.Local => builder.AddLocalRedis(name, serverPath, section),
            RedisMode.External => builder.AddConnectionString(name),
            _ when ContainerEngine.Answers(ContainerEngine.Name(builder.Configuration)) => builder.AddRedisContainer(name),
            _ => builder.AddLocalRedis(name, serverPath, section),
        };
    }

    /// <summary>The standard container, locally without TLS (like the local redis-server): no development certificate needed.</summary>
    private static IResourceBuilder<RedisResource> AddRedisContainer(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name).WithDataVolume().WithoutDevelopmentCertificate();

    private static RedisMode ReadMode(IConfigurationSection section)
    {
        var value = section["Mode"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return RedisMode.Auto;
        }

        return Enum.TryParse<RedisMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode)
            ? mode
            : throw new DistributedApplicationException(
                $"Redis:Mode is '{value}'. Set it to auto, container, local or external.");
    }

    private static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, string name, string serverPath, IConfigurationSection section)
    {
        var executable = ExecutableSearch.Find(serverPath) ?? throw new DistributedApplicationException(
            $"Redis is needed and cannot be started: no container engine answers and '{serverPath}' is not on PATH. " +
            "Either install Redis (Debian/Ubuntu: sudo apt-get install -y redis-server), or start Docker or Podman, " +
            "or point at an existing Redis with Redis__Mode=external and ConnectionStrings__redis=host:port.");

        // The AppHost owns the data folder; the append-only file means a Redis restart loses nothing.
        var dataDirectory = Path.GetFullPath(section["DataDirectory"] ?? Path.Combine(builder.AppHostDirectory, ".redis-data"));
        Directory.CreateDirectory(dataDirectory);

        // A fixed port, not a proxied one: Redis keeps its address across restarts, and no proxy sits
        // between every token and Redis.
        var port = section.GetValue<int?>("Port") ?? FreeLoopbackPort();

        var redis = new LocalRedisResource(name, executable, dataDirectory);
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis($"127.0.0.1:{port},abortConnect=false,connectTimeout=2000", name: healthCheckKey);

        return builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalRedisResource.PrimaryEndpointName, isProxied: false)
            .WithArgs(
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--dir", dataDirectory,
                "--appendonly", "yes",
                "--save", string.Empty,
                "--daemonize", "no")
            .WithHealthCheck(healthCheckKey);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
