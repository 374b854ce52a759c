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

    private ApiReplica(IReadOnlyDictionary<string, string?> settings) => _settings = settings;

    public Uri BaseAddress =>
        new(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Starts a replica; <paramref name="settings"/> are configuration keys (<c>Auth:SigningKeys:0:Key</c> …).</summary>
    public static ApiReplica Start(IReadOnlyDictionary<string, string?> settings)
    {
        var replica = new ApiReplica(settings);
        replica.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
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
    }
}
