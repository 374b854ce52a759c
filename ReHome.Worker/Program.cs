using ReHome.Streaming;
using ReHome.Worker.Heartbeat;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery, HTTP resilience.
builder.AddServiceDefaults();

// Redis, SignalR on the Redis backplane (the worker publishes through it) and the streaming service.
builder.AddReHomeStreaming();

// The worker's background loops.
builder.AddWorkerHeartbeat();

var app = builder.Build();

// /health and /alive on the worker's own small HTTP endpoint.
app.MapDefaultEndpoints();

app.Run();
