using Microsoft.Extensions.DependencyInjection;
using ReHome.Streaming.Streams;

namespace ReHome.Tests.Infrastructure;

/// <summary>Emits tokens through the real <see cref="StreamingService"/> from a host of its own, as the worker does.</summary>
public sealed class StreamProducer : IAsyncDisposable
{
    private readonly WorkerLikeHost _host;

    private StreamProducer(WorkerLikeHost host) => _host = host;

    public StreamingService Streaming => _host.Services.GetRequiredService<StreamingService>();

    public StreamLog Log => _host.Services.GetRequiredService<StreamLog>();

    public static async Task<StreamProducer> StartAsync(AppFixture fixture) =>
        new(await WorkerLikeHost.StartAsync(fixture.RedisConnectionString));

    /// <summary>Emits tokens 1..<paramref name="count"/> ("t1", "t2", …), pausing between them if asked.</summary>
    public async Task EmitAsync(StreamRef stream, string runId, int count, TimeSpan pause = default, int from = 1)
    {
        for (var index = from; index < from + count; index++)
        {
            await Streaming.StreamTokenAsync(stream, runId, $"t{index}", expectedSeq: index);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
