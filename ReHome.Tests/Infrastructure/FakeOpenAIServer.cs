using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A local OpenAI-compatible chat completions endpoint over real HTTP: streams the given chunks as
/// server-sent events the way the OpenAI API does, or fails with a status code. Records what it got.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    public ConcurrentQueue<(DateTimeOffset At, string Authorization, JsonDocument Body)> Requests { get; } = new();

    /// <summary>The address to configure as <c>Agent:OpenAI:Endpoint</c>.</summary>
    public Uri Endpoint =>
        new($"{_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()}/v1/");

    /// <summary>Worker settings that point the OpenAI-compatible provider here, plus any <paramref name="more"/>.</summary>
    public Dictionary<string, string?> WorkerSettings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:Provider"] = "OpenAI",
            ["Agent:OpenAI:Endpoint"] = Endpoint.ToString(),
            ["Agent:OpenAI:Model"] = "test-model",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static Task<FakeOpenAIServer> StreamingAsync(IReadOnlyList<string> chunks, TimeSpan pause) =>
        StartAsync(async (context, server) =>
        {
            context.Response.ContentType = "text/event-stream";
            await WriteEventAsync(context, Chunk(new { role = "assistant", content = "" }, finishReason: null));
            foreach (var chunk in chunks)
            {
                await Task.Delay(pause, context.RequestAborted);
                await WriteEventAsync(context, Chunk(new { content = chunk }, finishReason: null));
            }

            await WriteEventAsync(context, Chunk(new { }, finishReason: "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        });

    /// <summary>
    /// The first request gets the first chunk, then silence for <paramref name="stall"/> (a provider that
    /// hangs mid-reply); later requests stream every chunk.
    /// </summary>
    public static Task<FakeOpenAIServer> StallingOnceAsync(IReadOnlyList<string> chunks, TimeSpan stall) =>
        StartAsync(async (context, server) =>
        {
            context.Response.ContentType = "text/event-stream";
            await WriteEventAsync(context, Chunk(new { role = "assistant", content = "" }, finishReason: null));
            for (var i = 0; i < chunks.Count; i++)
            {
                if (i == 1 && server.Requests.Count == 1)
                {
                    await Task.Delay(stall, context.RequestAborted);
                }

                await WriteEventAsync(context, Chunk(new { content = chunks[i] }, finishReason: null));
            }

            await WriteEventAsync(context, Chunk(new { }, finishReason: "stop"));
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        });

    public static Task<FakeOpenAIServer> FailingAsync(int statusCode) =>
        StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = statusCode;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"message":"the model is overloaded","type":"server_error"}}""");
        });

    private static async Task<FakeOpenAIServer> StartAsync(Func<HttpContext, FakeOpenAIServer, Task> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/v1/chat/completions", async context =>
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body);
            server.Requests.Enqueue((DateTimeOffset.UtcNow, context.Request.Headers.Authorization.ToString(), body));
            await respond(context, server);
        });
        await app.StartAsync();
        return server;
    }

    private static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-test",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });

    private static async Task WriteEventAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync($"data: {json}\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
