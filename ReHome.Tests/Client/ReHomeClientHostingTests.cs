using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using ReHome.Client;
using ReHome.Streaming.Streams;
using ReHome.Tests.Infrastructure;

namespace ReHome.Tests.Client;

/// <summary>ReHome.Client in a .NET host, as a service consuming ReHome would use it.</summary>
public sealed class ReHomeClientHostingTests(AppFixture fixture)
{
    [Fact]
    public async Task AHostsClientReadsAStreamToItsEndAndRecordsItsLatencyOnTheHostsMeters()
    {
        var cancellation = TestContext.Current.CancellationToken;
        using var alice = await fixture.SignInAsync();
        var threadId = await alice.CreateThreadAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddReHomeClient(_ => alice.ClientOptions(fixture.ApiEndpoint));
        using var host = builder.Build();
        using var latency = new MetricCollector<double>(
            host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), ReHomeClientOptions.MeterName, "rehome.client.token.latency");
        var client = host.Services.GetRequiredService<ReHomeClient>();
        Assert.Same(client, host.Services.GetRequiredService<ReHomeClient>());
        await client.ConnectAsync(cancellation);

        await using var producer = await StreamProducer.StartAsync(fixture);
        var stream = new StreamRef(threadId, "answer");
        await producer.EmitAsync(stream, "run-1", 1);
        var reading = ReadAllAsync(client.ReadStreamAsync(threadId, "answer", cancellationToken: cancellation));
        // The rest once the reader has subscribed (and replayed the first token): they come live.
        await Eventually.MatchesAsync(() => Task.FromResult(client.Statistics.Replays), replays => replays >= 1, TestTimeouts.Default, "the reader subscribed");
        await producer.EmitAsync(stream, "run-1", 19, from: 2);
        await producer.Streaming.CompleteAsync(stream, "run-1", cancellation);
        var tokens = await reading.WaitAsync(TestTimeouts.Default, cancellation);

        Assert.Equal(Enumerable.Range(1, 20).Select(seq => $"t{seq}"), tokens.Select(token => token.Event.Token));
        Assert.Equal(tokens.Count(token => !token.Replayed), latency.GetMeasurementSnapshot().Count);
        Assert.True(latency.GetMeasurementSnapshot().Count > 0);
        await host.StopAsync(cancellation);
    }

    private static async Task<List<ReceivedToken>> ReadAllAsync(IAsyncEnumerable<ReceivedToken> tokens)
    {
        var all = new List<ReceivedToken>();
        await foreach (var token in tokens)
        {
            all.Add(token);
        }

        return all;
    }
}
