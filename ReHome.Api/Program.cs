using ReHome.Streaming.Hubs;
using ReHome.Streaming.Redis;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery, HTTP resilience.
builder.AddServiceDefaults();

// Redis (with its health check) and the SignalR Redis backplane.
builder.AddReHomeRedis();

var app = builder.Build();

// /health and /alive.
app.MapDefaultEndpoints();

// The browser-facing hub.
app.MapHub<AgentHub>(HubPaths.Agent);

app.Run();

/// <summary>The API's entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
