extern alias worker;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReHome.Streaming.Naming;
using ReHome.Streaming.Queue;
using ReHome.Streaming.Runs;
using StackExchange.Redis;
using worker::ReHome.Worker;

namespace ReHome.Tests.Infrastructure;

/// <summary>
/// A queue lane of its own on the application's Redis (<c>Queue:Name</c>): an API replica that queues
/// runs into it, and — when a test says so — real worker services (the worker's own registration,
/// hosted in the test process) that take them. Tests that need a worker with special settings (one
/// slot, a failing provider, a short visibility timeout) run here without touching the shared worker.
/// </summary>
public sealed class WorkerLane : IAsyncDisposable
{
    private readonly AppFixture _fixture;
    private readonly List<WorkerLikeHost> _workers = [];

    private WorkerLane(AppFixture fixture, string queueName, ApiReplica api)
    {
        _fixture = fixture;
        QueueName = queueName;
        Api = api;
    }

    public string QueueName { get; }

    public ApiReplica Api { get; }

    public static WorkerLane Start(AppFixture fixture)
    {
        var queueName = $"lane-{Guid.NewGuid():N}"[..20];
        var settings = ApiReplica.SettingsLike(fixture.RedisConnectionString);
        settings["Queue:Name"] = queueName;
        return new WorkerLane(fixture, queueName, ApiReplica.Start(settings));
    }

    /// <summary>Starts a worker on this lane; <paramref name="settings"/> override its configuration (Agent:…, Queue:…, Reaper:…).</summary>
    public async Task<IServiceProvider> StartWorkerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        (await StartWorkerHostAsync(settings)).Services;

    /// <summary>
    /// Like <see cref="StartWorkerAsync"/>, with the host, so a test can stop this worker (shut down gracefully) before the others;
    /// <paramref name="configure"/> adds to the worker's services before its own registration (the service defaults, an exporter …).
    /// </summary>
    public async Task<WorkerLikeHost> StartWorkerHostAsync(IReadOnlyDictionary<string, string?>? settings = null, Action<HostApplicationBuilder>? configure = null)
    {
        var all = new Dictionary<string, string?>(ApiReplica.SettingsLike(_fixture.RedisConnectionString))
        {
            ["Queue:Name"] = QueueName,
            ["Agent:Offline:TokensPerSecond"] = "200",
            ["Agent:Offline:ReplyTokens"] = "20",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var host = await WorkerLikeHost.StartAsync(_fixture.RedisConnectionString, builder =>
        {
            configure?.Invoke(builder);
            builder.AddReHomeWorker();
        }, all);
        _workers.Add(host);
        return host;
    }

    public Task<UserSession> SignInAsync(string? userId = null) => UserSession.SignInAsync(Api.BaseAddress, userId);

    /// <summary>
    /// Runs still queued in the lane when a test ends would wait for a worker forever (nobody serves the
    /// lane), their streams live: the user's stop ends them, as it would in production.
    /// </summary>
    private async Task StopUnfinishedRunsAsync()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_fixture.RedisConnectionString);
        var runs = Api.Services.GetRequiredService<RunStore>();
        var stops = Api.Services.GetRequiredService<RunCancellation>();
        foreach (var priority in new[] { "high", "default" })
        {
            foreach (var entry in await redis.GetDatabase().StreamRangeAsync(QueueKey(priority)))
            {
                if (await runs.GetAsync((string?)entry["runId"] ?? string.Empty) is { } run && !RunStatuses.IsFinal(run.Status))
                {
                    await stops.RequestAsync(run);
                }
            }
        }
    }

    /// <summary>The lane's queue of one priority (a Redis Stream).</summary>
    public string QueueKey(string priority = "default") => StreamNames.Keys.Queue(QueueName, priority);

    /// <summary>
    /// What a worker that dies does: reads the next <paramref name="count"/> jobs as consumer
    /// <paramref name="consumer"/> and never confirms them; with <paramref name="startedRunId"/>, that
    /// run is marked running in its first attempt, as the dead worker left it.
    /// </summary>
    public async Task<StreamEntry[]> TakeJobsAsync(string consumer, int count = 1, string? startedRunId = null)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_fixture.RedisConnectionString);
        var database = redis.GetDatabase();
        try
        {
            await database.StreamCreateConsumerGroupAsync(QueueKey(), QueueOptions.ConsumerGroup, StreamPosition.Beginning, createStream: true);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Made by an earlier call (or a worker of the lane).
        }

        var taken = await database.StreamReadGroupAsync(QueueKey(), QueueOptions.ConsumerGroup, consumer, StreamPosition.NewMessages, count);
        if (startedRunId is not null)
        {
            await database.HashSetAsync(StreamNames.Keys.Run(startedRunId), [new("status", "running"), new("attempts", 1)]);
        }

        return taken;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }

        await StopUnfinishedRunsAsync();
        await Api.DisposeAsync();
    }
}
