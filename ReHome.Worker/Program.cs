using ReHome.Streaming;
using ReHome.Worker;
using ReHome.Worker.Ops;

// `ReHome.Worker <command> [options]` runs one operator command and exits (see Ops/, `--help`).
if (OpsCli.IsCommand(args))
{
    return await OpsCli.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery, HTTP resilience.
builder.AddServiceDefaults();

// Redis, SignalR on the Redis backplane (the worker publishes through it) and the streaming service.
builder.AddReHomeStreaming();

// Heartbeat, the run queue (high before default) with its chat client, and the stuck-stream reaper.
builder.AddReHomeWorker();

var app = builder.Build();

// /health and /alive on the worker's own small HTTP endpoint.
app.MapDefaultEndpoints();

await app.RunAsync();
return 0;
