using ReHome.Streaming.Redis;
using ReHome.Worker.Heartbeat;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery, HTTP resilience.
builder.AddServiceDefaults();

// Redis (with its health check) and the SignalR Redis backplane the worker publishes through.
builder.AddReHomeRedis();

// The worker's background loops.
builder.AddWorkerHeartbeat();

var app = builder.Build();

// /health and /alive on the worker's own small HTTP endpoint.
app.MapDefaultEndpoints();

app.Run();
