using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// SignalR's Redis backplane for <see cref="AgentHub"/>, which also keeps this process's own
/// connections (<see cref="LocalHubConnections"/>) — SignalR hands a connection's context only to
/// its lifetime manager — and takes a closed connection off the thread feeds it listened to.
/// </summary>
internal sealed class AgentHubLifetimeManager(
    LocalHubConnections local,
    ThreadFeed feed,
    ILogger<RedisHubLifetimeManager<AgentHub>> logger,
    IOptions<RedisOptions> options,
    IHubProtocolResolver hubProtocolResolver,
    IOptions<HubOptions> globalHubOptions,
    IOptions<HubOptions<AgentHub>> hubOptions)
    : RedisHubLifetimeManager<AgentHub>(logger, options, hubProtocolResolver, globalHubOptions, hubOptions)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        local.Add(connection);
        await base.OnConnectedAsync(connection);
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        local.Remove(connection);
        try
        {
            await feed.LeaveAllAsync(connection);
        }
        finally
        {
            await base.OnDisconnectedAsync(connection);
        }
    }
}
