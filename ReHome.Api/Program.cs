using ReHome.Api.ApiDocs;
using ReHome.Api.Auth;
using ReHome.Api.Http;
using ReHome.Api.Runs;
using ReHome.Api.Streams;
using ReHome.Api.Threads;
using ReHome.Api.WebClient;
using ReHome.Streaming;
using ReHome.Streaming.Hubs;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery, HTTP resilience.
builder.AddServiceDefaults();

// Redis, SignalR on the Redis backplane, streams, threads and the per-thread limit.
builder.AddReHomeStreaming();

// JWT bearer auth for REST and the hub: ReHome's signing keys and an identity provider (Auth:Authority), validated at start.
builder.AddReHomeAuthentication();

// JSON, problem details, CORS.
builder.AddReHomeHttp();

// The OpenAPI document of the REST routes, and its browsable reference in Development.
builder.AddReHomeApiDocs();

// The browser client at /js/rehome-client.js, and the live thread page at / (WebClient:Enabled).
builder.AddReHomeWebClient();

var app = builder.Build();

app.UseReHomeHttp();
app.UseReHomeWebClient();
app.UseAuthentication();
app.UseAuthorization();

// /health and /alive.
app.MapDefaultEndpoints();

// /openapi/v1.json, and /scalar in Development.
app.MapReHomeApiDocs();

// REST.
app.MapDevTokenApi();
app.MapThreadsApi();
app.MapRunsApi();
app.MapStreamsApi();

// The browser-facing hub; a connection closes when its token expires, and the client reconnects with a fresh one.
app.MapHub<AgentHub>(HubPaths.Agent, hub => hub.CloseOnAuthenticationExpiration = true);

app.Run();

/// <summary>The API's entry point, visible to <c>WebApplicationFactory</c> in tests.</summary>
public partial class Program;
