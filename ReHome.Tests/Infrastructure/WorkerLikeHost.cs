using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReHome.Streaming;
using ReHome.Streaming.Naming;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A host wired the way the worker is (Redis, SignalR backplane, no hub endpoints), in the test
/// process: what it sends reaches browsers only through Redis and an API replica.
/// </summary>
public sealed class WorkerLikeHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private WorkerLikeHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public static async Task<WorkerLikeHost> StartAsync(
        string redisConnectionString, Action<HostApplicationBuilder>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{StreamNames.RedisConnectionName}"] = redisConnectionString,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddReHomeStreaming();
        configure?.Invoke(builder);

        var host = builder.Build();
        await host.StartAsync();
        return new WorkerLikeHost(host);
    }

    /// <summary>Stops the host gracefully (as SIGTERM does); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
        _host.Dispose();
    }
}
