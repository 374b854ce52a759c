extern alias api;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// Another ReHome.Api process-equivalent on real Kestrel (a real port, real WebSockets), sharing the
/// application's Redis — a second replica, or an API started with settings a test needs.
/// </summary>
public sealed class ApiReplica : WebApplicationFactory<api::Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IWebHostBuilder>? _configure;

    private ApiReplica(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure)
    {
        _settings = settings;
        _configure = configure;
    }

    public Uri BaseAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>
    /// Starts a replica; <paramref name="settings"/> are configuration keys (<c>Auth:SigningKeys:0:Key</c> …),
    /// <paramref name="configure"/> anything more (a logger provider that captures what it logs …);
    /// <paramref name="port"/> a fixed port (an api restarted at the same address), 0 for any free one.
    /// </summary>
    public static ApiReplica Start(IReadOnlyDictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null, int port = 0)
    {
        var replica = new ApiReplica(settings, configure);
        replica.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, port));
        replica.StartServer();
        return replica;
    }

    /// <summary>The settings of a replica like the AppHost's api: same Redis, same signing key.</summary>
    public static Dictionary<string, string?> SettingsLike(string redisConnectionString) => new()
    {
        ["ConnectionStrings:redis"] = redisConnectionString,
        ["Auth:SigningKeys:0:Id"] = TestSigningKeys.PrimaryId,
        ["Auth:SigningKeys:0:Key"] = TestSigningKeys.Primary,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        _configure?.Invoke(builder);
    }
}
