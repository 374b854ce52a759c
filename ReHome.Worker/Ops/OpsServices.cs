using ReHome.Streaming;
using ReHome.Streaming.Auth;
using ReHome.Streaming.Health;
using ReHome.Worker.Agents;
using ReHome.Worker.Reaper;
using StackExchange.Redis;

namespace ReHome.Worker.Ops;

/// <summary>
/// The services a command uses — streaming, threads, signing keys, the reaper — registered as the
/// worker registers them and configured from the same sources (appsettings, environment), but in a
/// host that is never started: no queue consumer, heartbeat or reaper loop runs. Options are
/// validated when a command first uses them, so a command fails only on settings it needs.
/// </summary>
internal sealed class OpsServices : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly IConnectionMultiplexer? _redis;

    private OpsServices(IHost host, IConnectionMultiplexer? redis)
    {
        _host = host;
        _redis = redis;
    }

    public IServiceProvider Services => _host.Services;

    public IConfiguration Configuration => Get<IConfiguration>();

    public IHostEnvironment Environment => Get<IHostEnvironment>();

    /// <summary>Redis, connected at once (a command fails fast with the reason when it cannot be reached).</summary>
    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException("This command did not ask for Redis.");

    /// <summary>
    /// The services; with <paramref name="connectRedis"/> Redis is connected now (commands that only
    /// read configuration do not connect), with admin commands (FLUSHDB) if <paramref name="allowAdmin"/>.
    /// </summary>
    public static async Task<OpsServices> CreateAsync(bool connectRedis, CancellationToken cancellationToken, bool allowAdmin = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            // appsettings.json sits beside the executable, wherever the command is run from.
            ContentRootPath = AppContext.BaseDirectory,
            // The worker is a web application, which also reads ASPNETCORE_ENVIRONMENT.
            EnvironmentName = System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT"),
        });

        // Commands report what happened themselves; library logs would only repeat it.
        builder.Logging.ClearProviders();

        builder.AddReHomeStreaming();
        builder.AddReHomeSigningKeys();
        builder.AddAgents();
        builder.AddStuckStreamReaper();

        IConnectionMultiplexer? redis = null;
        if (connectRedis)
        {
            redis = await OpsRedis.ConnectAsync(builder.Configuration, allowAdmin, cancellationToken);
            // Replaces the lazily connecting client: StreamingService and friends use this connection.
            builder.Services.AddSingleton(redis);
        }

        return new OpsServices(builder.Build(), redis);
    }

    public T Get<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable host)
        {
            await host.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
