using Microsoft.AspNetCore.SignalR;

namespace ReHome.Streaming.Hubs;

/// <summary>
/// The browser-facing hub at <see cref="HubPaths.Agent"/>. The worker sends through
/// <c>IHubContext&lt;AgentHub&gt;</c> and the Redis backplane, so this type lives in the shared library.
/// </summary>
public sealed class AgentHub : Hub
{
}
